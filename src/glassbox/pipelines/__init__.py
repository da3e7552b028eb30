"""One folder per Kedro pipeline: ``pipeline.py`` names the nodes. Where a room's function
takes the catalog's data and parameters as they are, the pipeline names it directly (as
Kedro's spaceflights does); ``nodes.py`` holds only the adapters that do something on the
way (a switch, a log line, an annotation that must not import PyTorch).

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


# The six model-input splits, in the order the comparisons and the tree ensembles take them.
MODEL_INPUT = ["X_train", "y_train", "X_val", "y_val", "X_test", "y_test"]
