"""Kedro dataset for a self-contained HTML report, written atomically."""

from __future__ import annotations

from glassbox.wiring.catalog_datasets.text_file import TextFileDataset


class HtmlFileDataset(TextFileDataset):
    """An HTML document held as a string."""
