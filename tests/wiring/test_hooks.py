"""The Kedro hooks' behaviour that no pipeline test shows."""

import gc
import subprocess
import sys

from glassbox.wiring.hooks import QuickExitHooks

# An exit handler registered before the hook runs after it (last in, first out): it sees
# whether the objects were frozen by the time Python collects them.
AT_EXIT = """
import atexit, gc
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
from glassbox.wiring.hooks import QuickExitHooks
QuickExitHooks().after_pipeline_run()
QuickExitHooks().after_pipeline_run()  # a second run registers nothing more
print("frozen during the run:", gc.get_freeze_count() > 0)
"""


def test_a_finished_run_freezes_the_collectors_objects_at_exit_only():
    shown = subprocess.run([sys.executable, "-c", AT_EXIT], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == ["frozen during the run: False", "frozen at exit: True"]


def test_a_notebook_that_runs_a_pipeline_keeps_collecting_its_garbage():
    QuickExitHooks().after_pipeline_run()
    assert gc.get_freeze_count() == 0
