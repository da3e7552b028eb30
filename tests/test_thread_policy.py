"""The thread policy: one CPU thread per glassbox process, unless the user chose a number."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest
import torch

from glassbox import thread_policy
from glassbox.training.loop import train
from tests.conftest import PROJECT_ROOT
from tests.training.test_loop import blobs, params

# What a fresh glassbox process reports: torch's count, every native thread pool's count
# (threadpoolctl: OpenMP, MKL, OpenBLAS), and who decided.
PROBE = """
import glassbox, json, numpy, torch, threadpoolctl
from glassbox import thread_policy
print(json.dumps({
    "torch": torch.get_num_threads(),
    "pools": sorted({p["num_threads"] for p in threadpoolctl.threadpool_info()}),
    "decided_by": thread_policy.decided_by,
    "describe": thread_policy.describe(),
}))
"""


def probe(**variables: str) -> dict:
    env = thread_policy.without_glassbox_settings()
    for name in thread_policy.USER_SETTINGS:  # also a developer's own, to test the default
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**env, **variables},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_a_glassbox_process_computes_with_one_thread_by_default():
    seen = probe()
    assert seen["torch"] == 1
    assert seen["pools"] == [1]  # PyTorch's OpenMP and MKL, and NumPy's OpenBLAS alike
    assert seen["decided_by"] == "glassbox"
    assert seen["describe"].startswith("1 CPU thread (glassbox's default")


@pytest.mark.parametrize("variable", thread_policy.USER_SETTINGS)
def test_the_users_thread_variable_wins(variable):
    seen = probe(**{variable: "2"})
    assert seen["decided_by"] == "environment"
    assert seen["torch"] == 2
    assert seen["describe"] == f"2 CPU threads (from {variable}=2)"


GLASSBOXS = {"OMP_NUM_THREADS": "1", thread_policy.SET_BY_GLASSBOX: "1"}


@pytest.mark.parametrize(
    ("environ", "decided"),
    [
        ({}, None),  # set by glassbox
        ({"OMP_NUM_THREADS": ""}, None),  # an empty variable is no choice
        (dict(GLASSBOXS), None),  # inherited from a glassbox parent: still glassbox's
        ({"OMP_NUM_THREADS": "4"}, "environment"),
        ({"MKL_NUM_THREADS": "3"}, "environment"),
        ({**GLASSBOXS, "OMP_NUM_THREADS": "2"}, "environment"),  # changed since: the user's
        ({**GLASSBOXS, "MKL_NUM_THREADS": "2"}, "environment"),
    ],
)
def test_apply_sets_the_default_only_where_nothing_was_chosen(environ, decided):
    before = dict(environ)
    answer = thread_policy.apply(environ)
    if decided == "environment":
        assert answer == "environment"
        assert environ == before  # untouched
    else:
        # torch is loaded in this test process, so the policy comes too late for it here.
        assert answer == "torch already loaded"
        assert environ["OMP_NUM_THREADS"] == "1"


def test_a_child_is_started_with_the_users_environment_not_glassboxs():
    env = thread_policy.without_glassbox_settings({**GLASSBOXS, "PATH": "/bin"})
    assert env == {"PATH": "/bin"}
    mine = thread_policy.without_glassbox_settings({"OMP_NUM_THREADS": "3"})
    assert mine == {"OMP_NUM_THREADS": "3"}


def test_a_torch_set_num_threads_call_stands_through_training():
    before = torch.get_num_threads()
    torch.set_num_threads(3)  # a count no environment variable of this run names
    try:
        train(blobs(), params(epochs=2))
        assert torch.get_num_threads() == 3
        assert thread_policy.describe().startswith("3 CPU threads (set in this process")
    finally:
        torch.set_num_threads(before)


def test_no_code_path_sets_the_thread_count():
    """glassbox never overrides a thread count: the user's `torch.set_num_threads` or
    OMP_NUM_THREADS stands (the policy only sets the environment before torch loads)."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in {
                "set_num_threads",
                "set_num_interop_threads",
                "threadpool_limits",
            }:
                offenders.append(f"{path.name}:{node.lineno} {node.attr}")
    assert not offenders, offenders
