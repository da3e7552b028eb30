"""Comparisons that train models: the optimizer study and its tuning, the architecture and
privacy comparisons, and what they share (run descriptions, intervals, the recommendation)."""
