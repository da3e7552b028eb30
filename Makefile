# The README's two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Installing is keyed on the lock and the project metadata: a second `make run` installs nothing.
STAMP  := $(VENV)/.installed

# Tools run from the venv (DVC runs stage commands through a shell: `kedro` must be on PATH).
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test lint lock dvc-yaml audit clean-venv

# dvc.yaml follows the catalog and the pipelines: regenerated (a second or two) whenever
# conf/ or the code changed since, so that DVC never versions other files than a run uses.
# COMPARE=no: the model, its evaluation, explanation, export and predictions only (every
# stage but the comparisons, which dvc.yaml lists last). COMPARE=all: the architecture and
# privacy comparisons (which model suits the data; what privacy costs: a minute and 25 s on
# digits) and the pipelines' picture (Kedro-Viz's build, 10 s) too.
COMPARE ?= yes
MAIN_STAGES := explainability export inference
STAGES_no := $(MAIN_STAGES)
STAGES_yes := $(MAIN_STAGES) optimizer_comparison
STAGES_all := $(STAGES_yes) architecture_comparison privacy_comparison pipeline_picture
run: $(STAMP) dvc.yaml
	@test -n "$(STAGES_$(COMPARE))" || { echo "COMPARE must be yes, no or all; got '$(COMPARE)'"; exit 2; }
	dvc repro $(STAGES_$(COMPARE))
	@$(BIN)/python -m glassbox.tools.summary

# (After $(STAMP) in `run`'s prerequisites, which make builds in order.)
dvc.yaml: $(wildcard conf/base/*.yml conf/local/*.yml) $(shell find src/glassbox -name '*.py')
	@$(BIN)/python -m glassbox.tools.dvc_stages --write
	@touch dvc.yaml

test: $(STAMP)
	KEDRO_DISABLE_TELEMETRY=1 $(BIN)/ruff check src tests benchmarks
	KEDRO_DISABLE_TELEMETRY=1 $(BIN)/pytest

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $(STAMP)

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
