"""What every registry of names shares (optimizers, schedules, losses, architectures,
attribution methods, tasks): a name it does not hold is refused with the names it does."""

from __future__ import annotations


def check_name(name: str, registry: dict, kind: str) -> str:
    """``name`` when ``registry`` holds it, else a ValueError listing what it holds."""
    if name not in registry:
        raise ValueError(f"unknown {kind} {name!r}; choose one of {list(registry)}")
    return name
