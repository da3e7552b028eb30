"""The rooms' import order (docs/layout.md): each room imports only the rooms below it, so
"data preparation knows no model" and "scoring trains nothing" hold by construction."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "glassbox"
# Bottom to top. The package's top-level modules (errors, tasks, parameters, ...) are the
# floor: they import no room. settings.py, pipeline_registry.py and __main__.py are Kedro's
# entry points and sit above everything.
ROOMS = ["prepare", "training", "explain", "evaluate", "compare", "deploy", "wiring", "tools"]
ENTRY_POINTS = {"settings", "pipeline_registry", "__main__"}


def _room(module: str) -> str | None:
    """The room of ``glassbox.<room>.<...>``; None for a top-level module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else None


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("glassbox"):
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("glassbox")}
    return {m for m in found if _room(m) or (PACKAGE / f"{m.split('.')[-1]}.py").exists()}


def _upward_arrows() -> list[str]:
    arrows = []
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(("glassbox", *path.relative_to(PACKAGE).with_suffix("").parts))
        own = _room(module)
        if own == "pipelines" or (own is None and path.stem in ENTRY_POINTS):
            continue
        level = -1 if own is None else ROOMS.index(own)
        for target in _imports(path):
            other = _room(target)
            if other is not None and other != own and ROOMS.index(other) > level:
                arrows.append(f"{module} -> {target}")
    return sorted(arrows)


def test_every_room_is_listed():
    rooms = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert rooms == {*ROOMS, "pipelines"}


def test_no_module_imports_a_room_above_its_own():
    assert _upward_arrows() == []


def test_each_room_keeps_its_parameter_models():
    # The pipelines' parameter models live in the rooms that use them, beside their
    # registries; the shared helpers below them import no room.
    for room in ("prepare", "training", "evaluate", "explain", "compare", "deploy"):
        assert (PACKAGE / room / "params.py").exists(), room
    assert not {m for m in _imports(PACKAGE / "parameters.py") if _room(m)}


def test_the_layout_page_lists_every_module():
    import re

    page = (PACKAGE.parents[1] / "docs" / "layout.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"[\w]+\.py", page))
    modules = {
        p.name
        for p in PACKAGE.rglob("*.py")
        if p.name != "__init__.py" and "pipelines" not in p.relative_to(PACKAGE).parts
    }
    assert modules - listed == set()
