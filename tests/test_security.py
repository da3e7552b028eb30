"""Security checks over the project itself: saved files never unpickle code, and git holds
no secrets."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest
import torch

from glassbox.errors import InputDataError
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.model_files import load_model
from tests.conftest import PROJECT_ROOT


class Payload:
    """Pickled, it runs code on load: it creates ``marker`` (as an attack would run a shell)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_checkpoint_carrying_code_is_refused_without_running_it(tmp_path, caplog):
    marker = tmp_path / "code-ran"
    store = CheckpointStore(tmp_path / "training.pt")
    torch.save({"fingerprint": "x", "payload": Payload(marker)}, store.path)
    assert store.load("x") is None  # torch.load(weights_only=True) refuses the object
    assert not marker.exists()
    assert "is unreadable" in caplog.text


def test_a_pickle_in_place_of_the_model_file_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "model.safetensors"
    torch.save(Payload(marker), path)
    with pytest.raises(InputDataError, match="is not a readable safetensors file"):
        load_model(path)
    assert not marker.exists()


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def test_no_code_path_unpickles():
    """A guard for later changes: no pickle/joblib loads, and torch.load only with
    weights_only=True."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "src").rglob("*.py")):
        for call in _calls(ast.parse(path.read_text())):
            name = _name(call)
            if name in {"pickle.load", "pickle.loads", "joblib.load", "dill.load"}:
                offenders.append(f"{path.name}: {name}")
            if name == "torch.load":
                safe = any(
                    k.arg == "weights_only" and getattr(k.value, "value", None) is True
                    for k in call.keywords
                )
                if not safe:
                    offenders.append(f"{path.name}: torch.load without weights_only=True")
    assert not offenders, offenders


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    return [f for f in listed.stdout.splitlines() if (PROJECT_ROOT / f).is_file()]


def _scan(files: list[str], root: Path) -> dict:
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    found = SecretsCollection(root=str(root))
    with default_settings():
        # One file at a time: scan_files forks a pool from this process, whose threads
        # (PyTorch's, Optuna's) may hold a lock at the fork, and a child then waits forever.
        for name in files:
            found.scan_file(name)
    return found.json()


def test_the_secret_scanner_finds_nothing_in_the_tracked_files():
    files = _tracked_files()
    assert files, "run inside the git checkout"
    assert _scan(files, PROJECT_ROOT) == {}


def test_the_secret_scanner_would_catch_a_committed_key(tmp_path):
    """So the test above is not passing because the scanner sees nothing."""
    # AWS's documented example key pair, assembled here so this file itself stays clean.
    key_id, secret = "AKIA" + "IOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzEXAMPLEKEY"
    leaked = tmp_path / "settings.py"
    leaked.write_text(f'aws_secret_access_key = "{secret}"\n')
    leaked.with_name("id.txt").write_text(f"{key_id}\n")
    found = _scan(["settings.py", "id.txt"], tmp_path)
    assert set(found) == {"settings.py", "id.txt"}, found
