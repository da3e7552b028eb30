"""Errors glassbox raises for bad input, and how a run reports them.

A user's mistake (a bad file, column, parameter or setting) ends a run with its message,
without a traceback: the traceback would point into glassbox's code, not at what
the user has to change. Anything else is a bug and keeps its full traceback, as does every
error when ``GLASSBOX_TRACEBACK=1`` is set.
"""

from __future__ import annotations

import os
import sys
from types import TracebackType

TRACEBACK_SWITCH = "GLASSBOX_TRACEBACK"


class InputDataError(ValueError):
    """A table, file or request does not have the shape, columns or values glassbox needs."""


class RunLockedError(RuntimeError):
    """Another glassbox run holds this checkout (glassbox.wiring.run_lock)."""


class ConfigurationError(InputDataError):
    """Settings that cannot work together (or with the data), found before any node ran.
    ``problems`` lists every one, so a user fixes them all in one go."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "the run was stopped before any work, because:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


def _user_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that describe the user's input rather than a fault in glassbox: its own,
    Kedro's for parameters, configuration and datasets (a missing, unreadable or malformed
    file), and file-system errors on the files the catalog names."""
    from kedro.config import MissingConfigException
    from kedro.io import DatasetError
    from kedro.validation.parameter_validator import ParameterValidationError

    types: list[type[BaseException]] = [
        InputDataError,
        ParameterValidationError,
        RunLockedError,
        MissingConfigException,
        DatasetError,
        FileNotFoundError,
        PermissionError,
        UnicodeDecodeError,
    ]
    try:
        from omegaconf.errors import OmegaConfBaseException

        types.append(OmegaConfBaseException)  # a malformed or unresolvable conf/ file
    except ImportError:  # pragma: no cover - omegaconf comes with Kedro
        pass
    return tuple(types)


def is_user_error(error: BaseException) -> bool:
    import yaml
    from kedro.io import DatasetError

    if isinstance(error, KeyError) and "Unable to find credentials" in str(error):
        return True  # Kedro's message for a catalog naming credentials that are not there
    if isinstance(error, DatasetError) and "Failed while saving" in str(error):
        return False  # writing an output: glassbox's own code, or the disk; keep the trace
    return isinstance(error, (*_user_error_types(), yaml.YAMLError))  # a malformed conf/ file


def hint_for(error: BaseException) -> str | None:
    """A next step for failures whose own message names the symptom but not the fix."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, UnicodeDecodeError) or "codec can't decode" in str(error):
            return (
                "a data file is not UTF-8 text. Re-save it as UTF-8, or name its encoding in "
                "conf/base/catalog.yml, e.g. `load_args: {encoding: latin-1}` on raw_data."
            )
        error = error.__cause__ or error.__context__
    return None


def report_user_errors_briefly() -> None:
    """Make uncaught user errors print as a short message (the process still exits 1)."""
    previous = sys.excepthook

    def excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None):
        if os.environ.get(TRACEBACK_SWITCH) == "1" or not is_user_error(error):
            previous(kind, error, tb)
            return
        # (A hint for the error, if any, was logged when the pipeline failed: hooks.py.)
        lines = [f"Error: {error}"]
        lines.append(f"(This is about the input, not a bug; {TRACEBACK_SWITCH}=1 shows where.)")
        print("\n".join(lines), file=sys.stderr)  # noqa: T201 - the process's last words

    if not getattr(previous, "glassbox", False):  # once per process
        excepthook.glassbox = True
        sys.excepthook = excepthook
