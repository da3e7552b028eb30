"""The optional parts of a run, switched by parameters so that DVC sees them.

Every stage in dvc.yaml runs in every `dvc repro`: a part switched off writes a short
"not requested" record in place of its outputs. So `dvc status` is clean after a run,
`dvc pull` finds every output the lock names, and turning a part on is a parameter change
that DVC tracks (`dvc exp run -S conf/base/parameters_optional.yml:optional.<part>=true`,
shown by `dvc params diff`). The switches live in one place, `optional:` in
conf/base/parameters_optional.yml (OptionalParts below); each stage reads
its own switch only.
"""

from __future__ import annotations

import logging

from pydantic import Field

from glassbox.html_report import escape, page
from glassbox.parameters import StrictParams

log = logging.getLogger(__name__)


class OptionalParts(StrictParams):
    """`optional` in conf/base/parameters_optional.yml: which optional parts a run makes
    (glassbox.optional). Each comparison's nodes read their own switch only, so that DVC
    reruns a stage for its own switch alone."""

    optimizer_comparison: bool = Field(True, description="which optimizer suits the data")
    architecture_comparison: bool = Field(False, description="which model suits the data")
    privacy_comparison: bool = Field(False, description="what differential privacy costs")
    pipeline_picture: bool = Field(True, description="Kedro-Viz's picture of the pipelines")


PARAMETERS_FILE = "conf/base/parameters_optional.yml"
# Each optional part, on or off when the file says nothing.
DEFAULTS = OptionalParts().model_dump()
# What a comparison's first node hands on when its part is switched off.
NOT_REQUESTED = {"requested": False}


def switch(part: str) -> str:
    """The switch's key, as Kedro (`params:optional.<part>`), `dvc exp run -S` and
    `dvc params diff` name it."""
    return f"optional.{part}"


def how_to_request(part: str) -> str:
    key = switch(part)
    return (
        f"set {key}: true in {PARAMETERS_FILE} and run `make run`, or try it as an "
        f"experiment: dvc exp run -S {PARAMETERS_FILE}:{key}=true"
    )


def not_requested(part: str, title: str) -> tuple[dict, str]:
    """A switched-off part's summary (JSON) and report (HTML): what it would hold and how to
    ask for it."""
    log.info("%s: not requested (%s is false in %s)", title, switch(part), PARAMETERS_FILE)
    summary = {**NOT_REQUESTED, "switch": switch(part), "how_to_request": how_to_request(part)}
    body = (
        f"<p>Not requested in this run: {escape(switch(part))} is false.</p>"
        f"<p>To make it, {escape(how_to_request(part))}</p>"  # no full stop after a command
    )
    return summary, page(f"{title}: not requested", body)


def requested(record: dict | None) -> bool:
    """Whether a part's summary (or its first node's result) holds results, not the
    "not requested" record."""
    return record is not None and record.get("requested", True) is not False
