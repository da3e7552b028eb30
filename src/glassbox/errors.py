"""Errors glassbox raises for bad input: each says what was wrong and what was expected."""


class InputDataError(ValueError):
    """A table, file or request does not have the shape, columns or values glassbox needs."""
