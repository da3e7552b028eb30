"""The project's configuration as a `kedro run` sees it: the catalog and the parameters of
conf/base, with conf/local's overrides when asked for (and present), globals interpolated.
For the tools and the HTTP service, which read it without starting a Kedro session."""

from __future__ import annotations

from pathlib import Path


def _loader(project_path: Path, run_env: str):
    from kedro.config import OmegaConfigLoader

    conf = Path(project_path) / "conf"
    if not (conf / run_env).is_dir():
        run_env = "base"  # e.g. a revision's files, which have no conf/local
    return OmegaConfigLoader(str(conf), base_env="base", default_run_env=run_env)


def load_catalog_config(project_path: Path, run_env: str = "base") -> dict[str, dict]:
    """The catalog entries of conf/base, or with ``run_env="local"`` as a run on this
    machine sees them (templates starting with `_` left out)."""
    catalog = _loader(project_path, run_env)["catalog"]
    return {k: v for k, v in catalog.items() if not k.startswith("_")}


def load_parameters(project_path: Path, run_env: str = "base") -> dict:
    """Every parameter group (``data_processing``, ``training``, ...), as plain values."""
    return dict(_loader(project_path, run_env)["parameters"])
