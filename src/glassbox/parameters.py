"""What every room's parameter models share, and what DVC needs to know about the keys.

Each room keeps the typed models of its own parameters beside the registries they draw
their names from (as scikit-learn keeps ``_parameter_constraints`` on the estimator):
``prepare/params.py`` (data_processing), ``training/params.py`` (training, seed_runs),
``evaluate/params.py``, ``explain/params.py``, ``compare/params.py`` (the three
comparisons), ``deploy/params.py`` (inference) and ``glassbox.optional`` (the optional
parts' switches). Kedro validates `params:<pipeline>` node inputs against them before any
node runs, so a typo or an out-of-range value stops the run with a message naming the key
and what is allowed. ``extra="forbid"`` turns a misspelt key into an error instead of a
silently ignored setting. This module imports no room.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from glassbox.registries import check_name


class StrictParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# A name from a registry (optimizers, schedules, losses, architectures, attribution
# methods; each torch-free at import), checked when the parameters are validated: a bad
# name fails before any data is loaded, and a newly registered one is accepted without a
# change to any parameter model.
def registered(registry: dict, kind: str, also: tuple[str, ...] = ()):
    """A name field that accepts what ``registry`` holds when validated (and ``also``)."""
    return Annotated[
        str, AfterValidator(lambda n: n if n in also else check_name(n, registry, kind))
    ]


def _distinct_seeds(seeds: list[int]) -> list[int]:
    if len(set(seeds)) != len(seeds) or any(s < 0 for s in seeds):
        raise ValueError(f"seeds must be distinct and at least 0; got {seeds}")
    return seeds


# A list of seeds (runs retrained with each): a repeated or negative one is refused.
Seeds = Annotated[list[int], AfterValidator(_distinct_seeds)]


# Keys that say how a run executes, not what it computes: DVC does not re-run a stage when
# only these change (glassbox.tools.dvc_stages tracks the other keys one by one). The device
# is one of them: a GPU computes the same model up to float rounding, and moving a run to
# another machine should not re-train it (`dvc repro -f training` does, on purpose). The
# training stage still tracks `distributed`, which changes what it computes (the batch is
# split over processes and the shards' gradients summed).
EXECUTION_KEYS = {
    "training": ("checkpoint_every", "device", "distributed", "progress"),
    # by how many processes the studies are run, not what they find
    "optimizer_comparison": ("processes",),
    "architecture_comparison": ("processes",),
    "privacy_comparison": ("processes",),
}


TRAINING_ARITHMETIC_KEYS = ("distributed",)


# Stages that train `training` with seeds of their own: its `seed` does not reach them.
OWN_SEEDS = ("seed_runs", "optimizer_comparison", "architecture_comparison", "privacy_comparison")
