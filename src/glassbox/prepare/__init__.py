"""Preparing the data: checking the raw table, reviewing its columns, preprocessing,
splitting, tensors for the model, and the example and synthetic tables."""
