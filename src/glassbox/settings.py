"""Kedro project settings (defaults as `kedro new` makes them, plus glassbox's choices).

See https://docs.kedro.org/en/stable/configure/configuration_basics/
"""

from glassbox.wiring.config_loader import ConfigLoader  # credentials glassbox can do without

CONFIG_LOADER_CLASS = ConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}

from glassbox.wiring.hooks import (  # noqa: E402 - settings are constants plus the hooks
    ArrowMemoryHooks,
    DistributedWriterHooks,
    PreflightHooks,
    ProgressHooks,
    QuickExitHooks,
    RunLockHooks,
)

# Kedro-Viz (installed for `kedro viz run` and the pipelines' picture) also registers hooks
# that record every run's dataset statistics and events under .viz/: not wanted in a run.
DISABLE_HOOKS_FOR_PLUGINS = ("kedro-viz",)

HOOKS = (
    PreflightHooks(),
    RunLockHooks(),
    DistributedWriterHooks(),
    ArrowMemoryHooks(),
    ProgressHooks(),
    QuickExitHooks(),
)
