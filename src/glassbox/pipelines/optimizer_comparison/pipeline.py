"""The optimizer_comparison pipeline: one Kedro namespace per optimizer, then the report.

Each namespace holds the same training node (built from glassbox.training_loop, as the
training pipeline is), so the runs differ only in the optimizer. Namespaces exist for
every optimizer glassbox knows; `optimizer_comparison.optimizers` picks which ones train.
"""

from kedro.pipeline import Node, Pipeline

from glassbox.optimizers import OPTIMIZER_NAMES

from .nodes import compare_optimizers, make_optimizer_runs

SHARED_INPUTS = {"X_train", "y_train", "X_val", "y_val", "X_test", "y_test", "preprocessor"}
PARAMETERS = {"params:training", "params:optimizer_comparison"}


def create_pipeline(**kwargs) -> Pipeline:
    per_optimizer = [
        Pipeline(
            [
                Node(
                    make_optimizer_runs(name),
                    [
                        "X_train",
                        "y_train",
                        "X_val",
                        "y_val",
                        "X_test",
                        "y_test",
                        "preprocessor",
                        "params:training",
                        "params:optimizer_comparison",
                    ],
                    "runs",
                    name="train_over_seeds",
                )
            ],
            namespace=name,
            inputs=SHARED_INPUTS,
            parameters=PARAMETERS,
            outputs={"runs": f"runs_{name}"},
        )
        for name in OPTIMIZER_NAMES
    ]
    report = Node(
        compare_optimizers,
        {
            "training": "params:training",
            "comparison": "params:optimizer_comparison",
            **{f"runs_{name}": f"runs_{name}" for name in OPTIMIZER_NAMES},
        },
        ["optimizer_comparison_summary", "optimizer_comparison_report"],
        name="compare_optimizers",
    )
    return Pipeline([*per_optimizer, report])
