"""Performance and quality measurements; each script prints its figures (see README)."""
