"""Scoring a trained model: metrics, baselines, bootstrap intervals, plots and the verdict."""
