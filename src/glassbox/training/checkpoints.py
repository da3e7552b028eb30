"""Training checkpoints: everything needed to resume a run exactly where it stopped.

A checkpoint holds only tensors and plain values, so it loads with
``torch.load(weights_only=True)`` (no arbitrary unpickling). It is written atomically, so a
run killed mid-write leaves the previous checkpoint intact. Each checkpoint carries a
fingerprint of the configuration and data; one that does not match is ignored.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from glassbox.atomic_io import atomic_write

log = logging.getLogger(__name__)


class CheckpointStore:
    """One checkpoint file for one training run."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def save(self, state: dict[str, Any]) -> None:
        import torch  # here: the training node's annotation names this class at start

        buffer = io.BytesIO()
        torch.save(state, buffer)
        with atomic_write(self.path, "wb") as handle:
            handle.write(buffer.getbuffer())

    def load(self, fingerprint: str) -> dict[str, Any] | None:
        """The saved state if it belongs to this configuration and data, else None."""
        if not self.path.is_file():
            return None
        import torch

        try:
            state = torch.load(self.path, map_location="cpu", weights_only=True)
        except Exception as err:  # noqa: BLE001 - any unreadable checkpoint means start fresh
            log.warning("checkpoint %s is unreadable (%s); starting fresh", self.path, err)
            return None
        if state.get("fingerprint") != fingerprint:
            log.info(
                "checkpoint %s is for another configuration or data; starting fresh", self.path
            )
            return None
        return state

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
