"""Dynamic batching (glassbox.deploy.batching): concurrent requests share one call of the
model, each gets back exactly its own rows' results, and an error stays with its batch."""

import asyncio

import numpy as np
import pytest

from glassbox.deploy.batching import DynamicBatcher


def _rowwise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two results per row, each computed from that row alone (as a model's are)."""
    return X.sum(axis=1, keepdims=True), X * 2


def _gather(batcher: DynamicBatcher, requests: list[np.ndarray]) -> list:
    async def together():
        return await asyncio.gather(*(batcher(X) for X in requests), return_exceptions=True)

    return asyncio.run(together())


def test_concurrent_requests_share_batches_and_each_gets_its_own_rows():
    sizes = []
    batcher = DynamicBatcher(lambda X: sizes.append(len(X)) or _rowwise(X), max_delay=0.01)
    requests = [np.full((1 + i % 3, 4), float(i)) for i in range(20)]
    answers = _gather(batcher, requests)
    for X, (sums, doubled) in zip(requests, answers, strict=True):
        np.testing.assert_array_equal(sums, X.sum(axis=1, keepdims=True))
        np.testing.assert_array_equal(doubled, X * 2)
    assert sum(sizes) == sum(len(X) for X in requests)  # every row once
    assert len(sizes) == batcher.batches < len(requests) / 2  # in few calls


def test_a_batch_holds_at_most_max_rows_and_a_larger_request_runs_alone():
    sizes = []
    batcher = DynamicBatcher(lambda X: sizes.append(len(X)) or X[:, :1], max_rows=8)
    requests = [np.full((3, 2), float(i)) for i in range(10)] + [np.zeros((20, 2))]
    answers = _gather(batcher, requests)
    assert [len(a) for a in answers] == [len(X) for X in requests]
    assert sorted(sizes)[-1] == 20 and all(s <= 8 for s in sorted(sizes)[:-1])
    assert sum(sizes) == 50


def test_a_lone_request_is_answered_after_the_delay():
    batcher = DynamicBatcher(_rowwise, max_delay=0.001)
    [(sums, _)] = _gather(batcher, [np.ones((1, 3))])
    assert sums.tolist() == [[3.0]] and batcher.batches == 1


def test_an_error_reaches_the_requests_of_its_batch_and_the_service_goes_on():
    def run(X):
        if (X < 0).any():
            raise ValueError("a negative row")
        return X

    batcher = DynamicBatcher(run, max_delay=0.01)
    failed = _gather(batcher, [np.ones((1, 2)), -np.ones((1, 2))])
    assert all(isinstance(a, ValueError) for a in failed)  # both were in the failing batch
    [answer] = _gather(batcher, [np.full((1, 2), 5.0)])
    assert answer.tolist() == [[5.0, 5.0]]


@pytest.mark.parametrize("delay", [0.0, 0.002])
def test_with_any_delay_the_answers_are_the_one_by_one_answers(delay):
    batcher = DynamicBatcher(_rowwise, max_delay=delay)
    rng = np.random.default_rng(0)
    requests = [rng.normal(size=(rng.integers(1, 5), 6)) for _ in range(50)]
    for X, (sums, doubled) in zip(requests, _gather(batcher, requests), strict=True):
        np.testing.assert_array_equal(sums, _rowwise(X)[0])
        np.testing.assert_array_equal(doubled, _rowwise(X)[1])
