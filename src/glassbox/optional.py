"""The optional parts of a run, switched by parameters so that DVC sees them.

Every stage in dvc.yaml runs in every `dvc repro`: a part switched off writes a short
"not requested" record in place of its outputs. So `dvc status` is clean after a run,
`dvc pull` finds every output the lock names, and turning a part on is a parameter change
that DVC tracks (`dvc exp run -S conf/base/globals.yml:optional.<part>=true`, shown by
`dvc params diff`). The switches live in one place, `optional:` in conf/base/globals.yml;
each comparison's parameters read theirs as `enabled: ${globals:optional.<part>}`.
"""

from __future__ import annotations

import logging

from glassbox.html_report import escape, page

log = logging.getLogger(__name__)

GLOBALS_FILE = "conf/base/globals.yml"
# Each optional part, on or off when globals.yml says nothing.
DEFAULTS = {
    "optimizer_comparison": True,
    "architecture_comparison": False,
    "privacy_comparison": False,
    "pipeline_picture": True,
}


def switch(part: str) -> str:
    """The switch's key in globals.yml, as `dvc exp run -S` and `dvc params diff` name it."""
    return f"optional.{part}"


def how_to_request(part: str) -> str:
    key = switch(part)
    return (
        f"set {key}: true in {GLOBALS_FILE} and run `make run`, or try it as an experiment: "
        f"dvc exp run -S {GLOBALS_FILE}:{key}=true"
    )


def not_requested(part: str, title: str) -> tuple[dict, str]:
    """A switched-off part's summary (JSON) and report (HTML): what it would hold and how to
    ask for it."""
    log.info("%s: not requested (%s is false in %s)", title, switch(part), GLOBALS_FILE)
    summary = {"requested": False, "switch": switch(part), "how_to_request": how_to_request(part)}
    body = (
        f"<p>Not requested in this run: {escape(switch(part))} is false.</p>"
        f"<p>To make it, {escape(how_to_request(part))}.</p>"
    )
    return summary, page(f"{title}: not requested", body)


def requested(summary: dict | None) -> bool:
    """Whether a part's summary holds results (not the "not requested" record)."""
    return bool(summary) and summary.get("requested", True) is not False


def switches(globals_: dict) -> dict[str, bool]:
    """Every part's switch from the globals (conf/base/globals.yml with conf/local's
    overrides); ValueError naming the key for an unknown part or a value not true/false."""
    given = (globals_ or {}).get("optional") or {}
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ValueError(
            f"{switch(unknown[0])} in globals.yml is not an optional part; "
            f"expected one of {sorted(DEFAULTS)}"
        )
    bad = sorted(k for k, v in given.items() if not isinstance(v, bool))
    if bad:
        raise ValueError(
            f"{switch(bad[0])} in globals.yml must be true or false; got {given[bad[0]]!r}"
        )
    return {**DEFAULTS, **given}
