"""The architecture_comparison pipeline: every listed architecture trained once per seed,
then the report.

The runs are the training configuration with one architecture swapped in (same data,
optimizer, epochs and early stopping); each architecture's seeds train together in one
node (glassbox.training.stacked).
"""

from kedro.pipeline import Node, Pipeline

from glassbox.pipelines import MODEL_INPUT

from .nodes import compare_architectures, train_every_architecture


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                train_every_architecture,
                [
                    "preprocessor",
                    "seed_runs",
                    "comparison_studies",
                    "params:training",
                    "params:architecture_comparison",
                    "params:optional.architecture_comparison",
                    *MODEL_INPUT,
                ],
                "architecture_runs",
                name="train_every_architecture",
            ),
            Node(
                compare_architectures,
                [
                    "architecture_runs",
                    "preprocessor",
                    "params:training",
                    "params:architecture_comparison",
                ],
                ["architecture_comparison_summary", "architecture_comparison_report"],
                name="compare_architectures",
            ),
        ]
    )
