"""A large synthetic classification table, for trying glassbox at scale (benchmarks/scale).

Features are standard normal; the label is the class whose random linear score, plus noise,
is highest, so a model can learn it but not perfectly. Written as Parquet in row groups, so
the writer never holds the whole table. Run as::

    python -m glassbox.prepare.synthetic data/01_raw/synthetic.parquet --rows 1000000
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from glassbox.atomic_io import atomic_write

TARGET = "label"


def write_synthetic_parquet(
    path: str | Path,
    rows: int,
    features: int = 100,
    classes: int = 4,
    seed: int = 0,
    chunk_rows: int = 100_000,
) -> Path:
    """Write ``rows`` rows of ``features`` float64 columns ``x000``... and a string ``label``."""
    path = Path(path)
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=(features, classes)) / np.sqrt(features)
    names = [f"x{i:03d}" for i in range(features)]
    schema = pa.schema([*(pa.field(n, pa.float64()) for n in names), (TARGET, pa.string())])
    class_names = np.array([f"class_{k}" for k in range(classes)], dtype=object)
    with atomic_write(path, "wb") as handle, pq.ParquetWriter(handle, schema) as writer:
        for start in range(0, rows, chunk_rows):
            n = min(chunk_rows, rows - start)
            X = rng.standard_normal((n, features))
            scores = X @ weights + 0.5 * rng.standard_normal((n, classes))
            columns = [*X.T, class_names[scores.argmax(axis=1)]]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the Parquet file to write")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write_synthetic_parquet(args.path, args.rows, args.features, args.classes, args.seed)


if __name__ == "__main__":
    main()
