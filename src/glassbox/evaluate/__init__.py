"""Evaluation: metrics, baselines, figures, and the optimizer comparison."""
