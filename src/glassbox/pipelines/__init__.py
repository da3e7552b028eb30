"""One folder per Kedro pipeline: ``pipeline.py`` names the nodes. Where a room's function
takes the catalog's data and parameters as they are, the pipeline names it directly (as
Kedro's spaceflights does); ``nodes.py`` holds only the adapters that do something on the
way (a switch before a heavy import, a log line). Annotations name the model
glassbox.training.Network, so that Kedro's reading of them imports no PyTorch.

A stage's process imports only its own pipeline, and its nodes import PyTorch, SciPy,
scikit-learn, matplotlib or Captum inside the node that uses them: the process reaches its
first node in about a second, and a stage that needs none of them (a comparison switched
off) never pays for them (``python -m benchmarks.stage_startup``).
"""

# The splits a model trains on: the training rows and the validation rows that stop it.
TRAINING_SPLITS = ["X_train", "y_train", "X_val", "y_val"]
# All six model-input splits, in the order the comparisons and the tree ensembles take them.
MODEL_INPUT = [*TRAINING_SPLITS, "X_test", "y_test"]
