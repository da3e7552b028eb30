"""The rule for "the same run" (tests/reproducible.py) hides wall-clock fields only."""

from tests.reproducible import html_without_timings, without_timings

TABLE = (
    "<table><thead><tr><th>optimizer</th><th>score</th><th>seconds to target (information)"
    "</th></tr></thead><tbody><tr><td>adam</td><td>{score}</td><td>{seconds}</td></tr>"
    "</tbody></table>"
)


def test_only_seconds_columns_and_keys_are_set_aside():
    def page(score, seconds):
        return "<h1>x</h1>" + TABLE.format(score=score, seconds=seconds)

    assert html_without_timings(page(0.91, 1.2)) == html_without_timings(page(0.91, 3.4))
    assert html_without_timings(page(0.91, 1.2)) != html_without_timings(page(0.92, 1.2))
    run = {"best_val_loss": 0.1, "total_seconds": 3.0, "runs": [{"epoch_seconds": [1.0]}]}
    assert without_timings(run) == {"best_val_loss": 0.1, "runs": [{}]}
