"""Kedro wiring: hooks, checks before a run, catalog datasets and the run lock. The only
room besides the pipelines that imports Kedro at run time."""
