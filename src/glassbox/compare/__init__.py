"""Comparisons that train models: the optimizer, architecture and privacy comparisons, and
what they share (their runs as Optuna studies, run descriptions, intervals, the
recommendation)."""
