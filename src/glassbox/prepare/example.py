"""The default dataset: scikit-learn's bundled digits, written once as a real CSV file.

Materialising it as a file (rather than loading it in a node) lets DVC version it like any
user's data, and keeps the pipelines free of digits-specific code. Run as::

    python -m glassbox.prepare.example data/01_raw/digits.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from glassbox.atomic_io import atomic_write

DIGITS_TARGET = "digit"


def digits_table() -> pd.DataFrame:
    """1,797 rows: 64 integer pixel columns ``pixel_<row>_<col>`` (0..16), the label ``digit``."""
    from sklearn.datasets import load_digits

    bunch = load_digits(as_frame=True)
    table = bunch.frame.rename(columns={"target": DIGITS_TARGET})
    return table.astype("int64")


def write_digits_csv(path: str | Path) -> Path:
    """Write the digits table to ``path`` atomically and return the path."""
    path = Path(path)
    with atomic_write(path, "w", encoding="utf-8", newline="") as handle:
        digits_table().to_csv(handle, index=False)
    return path


def write_new_rows_csv(path: str | Path, rows: int = 20, seed: int = 0) -> Path:
    """Example rows to predict (``new_data``): a seeded sample of digits without the label
    column. They come from digits itself, so they show the format, not generalisation;
    point ``new_data`` at your own rows."""
    path = Path(path)
    sample = digits_table().sample(n=rows, random_state=seed).drop(columns=DIGITS_TARGET)
    with atomic_write(path, "w", encoding="utf-8", newline="") as handle:
        sample.to_csv(handle, index=False)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Write scikit-learn's digits dataset as a CSV file."
    )
    parser.add_argument(
        "path", type=Path, help="where to write the CSV, e.g. data/01_raw/digits.csv"
    )
    parser.add_argument(
        "--new-data", type=Path, help="also write example rows to predict (no label column)"
    )
    args = parser.parse_args(argv)
    write_digits_csv(args.path)
    if args.new_data:
        write_new_rows_csv(args.new_data)


if __name__ == "__main__":
    main()
