"""``glassbox.wiring.catalog_datasets.atomic.MatplotlibDataset``: figures, saved atomically.

Kept apart from atomic.py so that only runs which save figures import matplotlib.
"""

from __future__ import annotations

from typing import Any

from kedro_datasets.matplotlib import MatplotlibDataset as _MatplotlibDataset

from glassbox.wiring.catalog_datasets.atomic import _AtomicSave


class MatplotlibDataset(_AtomicSave, _MatplotlibDataset):
    """``matplotlib.MatplotlibDataset``, saved atomically; a dict or list of figures (a
    folder of images) replaces the previous folder as a whole."""

    def _writes_folder(self, data: Any) -> bool:
        return isinstance(data, dict | list)
