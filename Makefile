# The README's two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Installing is keyed on the lock and the project metadata: a second `make run` installs nothing.
STAMP  := $(VENV)/.installed
# DVC's plots page with Vega inlined, so `dvc plots show / diff` open offline (.dvc/config).
PLOTS_PAGE := .dvc/plots_offline.html

# Tools run from the venv (DVC runs stage commands through a shell: `kedro` must be on PATH).
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test lint lock dvc-yaml audit clean-venv

# dvc.yaml follows the catalog and the pipelines: regenerated (a second or two) whenever
# conf/ or the code changed since, so that DVC never versions other files than a run uses.
# `make run` is `dvc repro`: every stage, each optional part (the comparisons, the pipelines'
# picture) switched on or off in conf/base/parameters_optional.yml, where DVC sees it.
# A table of your own inside the project is tracked by DVC first (`dvc add`), so that a
# teammate's `dvc pull` brings it too. `--pull`: outputs that dvc.lock names and the remote
# holds are fetched rather than computed again (a teammate's clone: nothing runs).
ifdef COMPARE
$(error COMPARE= is gone: switch the optional parts in conf/base/parameters_optional.yml, or try one with `dvc exp run -S conf/base/parameters_optional.yml:optional.architecture_comparison=true`)
endif
run: $(STAMP) dvc.yaml $(PLOTS_PAGE)
	@$(BIN)/python -m glassbox.tools.track_inputs
	dvc repro --pull
	@$(BIN)/python -m glassbox.wiring.summary

# (After $(STAMP) in `run`'s prerequisites, which make builds in order.)
dvc.yaml: $(wildcard conf/base/*.yml conf/local/*.yml) $(shell find src/glassbox -name '*.py')
	@$(BIN)/python -m glassbox.tools.dvc_stages --write
	@touch dvc.yaml

test: $(STAMP) $(PLOTS_PAGE)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $(STAMP)

$(PLOTS_PAGE): $(STAMP)
	$(BIN)/python -m glassbox.tools.plots_page $@

# Regenerate dvc.yaml now (a test fails when the committed one is stale).
dvc-yaml: $(STAMP)
	$(BIN)/python -m glassbox.tools.dvc_stages --write

# Check every pinned dependency against the PyPI / OSV vulnerability data (needs the network;
# --strict: a package that could not be checked is a failure, not a pass).
audit: $(STAMP)
	$(BIN)/pip-audit --requirement requirements.lock --no-deps --disable-pip --strict

# Re-resolve every dependency at once in a throw-away venv and write exact pins.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet 'torch==2.13.0' '.[dev]'
	{ head -3 requirements.lock; .lock-venv/bin/pip freeze --exclude-editable \
	  | grep -iv '^glassbox' | sed 's/^torch==\(.*\)+cpu$$/torch==\1/'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

clean-venv:
	rm -rf $(VENV)
