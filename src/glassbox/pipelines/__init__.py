"""One folder per Kedro pipeline: ``nodes.py`` adapts the catalog to a room's functions,
``pipeline.py`` names the nodes.

A stage's process imports only its own pipeline, and its nodes import PyTorch, SciPy,
scikit-learn, matplotlib or Captum inside the node that uses them: the process reaches its
first node in about a second, and a stage that needs none of them (a comparison switched
off) never pays for them (``python -m benchmarks.stage_startup``).
"""

from typing import Any, TypeAlias

# The trained network, as the catalog's `model` loads it: a torch.nn.Module. Kedro resolves
# every annotation of a node when a run starts (it validates `params:` inputs from them), so
# naming torch.nn.Module in a node would import PyTorch at every stage's start.
Network: TypeAlias = Any
