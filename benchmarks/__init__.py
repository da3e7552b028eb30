"""Performance and quality measurements; each script prints its figures (see README)."""

# Imported before any benchmark loads torch or NumPy, so that benchmarks measure with the
# thread settings glassbox's own processes use (glassbox/thread_policy.py).
import glassbox  # noqa: F401
