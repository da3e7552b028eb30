"""glassbox's atomic versions of Kedro's file datasets: same files, never half-written."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from kedro.io import DatasetError  # noqa: E402
from kedro_datasets.pandas import CSVDataset as KedroCSVDataset  # noqa: E402

from glassbox.wiring.catalog_datasets.atomic import (  # noqa: E402
    CSVDataset,
    JSONDataset,
    MatplotlibDataset,
    ParquetDataset,
)

TABLE = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})


def test_each_dataset_writes_the_same_bytes_as_kedros_and_leaves_no_temporary_files(tmp_path):
    CSVDataset(filepath=str(tmp_path / "t.csv")).save(TABLE)
    KedroCSVDataset(filepath=str(tmp_path / "kedro.csv")).save(TABLE)
    assert (tmp_path / "t.csv").read_bytes() == (tmp_path / "kedro.csv").read_bytes()
    ParquetDataset(filepath=str(tmp_path / "t.parquet")).save(TABLE)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), TABLE)
    JSONDataset(filepath=str(tmp_path / "t.json")).save({"x": 1})
    assert JSONDataset(filepath=str(tmp_path / "t.json")).load() == {"x": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "kedro.csv",
        "t.csv",
        "t.json",
        "t.parquet",
    ]


def test_a_failed_save_leaves_the_previous_file_whole(tmp_path):
    dataset = CSVDataset(filepath=str(tmp_path / "t.csv"))
    dataset.save(TABLE)
    before = (tmp_path / "t.csv").read_bytes()

    class Exploding(pd.DataFrame):
        def to_csv(self, path_or_buf=None, **kwargs):
            path_or_buf.write("a,b\n1,")  # half a file, then the writer dies
            raise OSError("disk gone")

    with pytest.raises(DatasetError, match="disk gone"):
        dataset.save(Exploding(TABLE))
    assert (tmp_path / "t.csv").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_a_folder_of_figures_is_replaced_as_a_whole(tmp_path):
    folder = tmp_path / "figures"
    dataset = MatplotlibDataset(filepath=str(folder))
    dataset.save({"one.png": plt.figure(), "two.png": plt.figure()})
    assert sorted(p.name for p in folder.iterdir()) == ["one.png", "two.png"]
    dataset.save({"three.png": plt.figure()})  # the old folder goes, not just its files
    assert sorted(p.name for p in folder.iterdir()) == ["three.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]


def test_temporaries_left_by_a_killed_writer_are_removed_by_the_next_save(tmp_path):
    stale = tmp_path / ".t.csv.0123456789ab.tmp"
    stale.write_text("a,b\n1,")  # what SIGKILL mid-save leaves
    unrelated = tmp_path / ".other.csv.0123456789ab.tmp"
    unrelated.write_text("x")
    CSVDataset(filepath=str(tmp_path / "t.csv")).save(TABLE)
    assert not stale.exists() and unrelated.exists()
