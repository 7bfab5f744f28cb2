# Quick start: `make demo` and `make test`; each sets itself up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint postgres system-packages bench evaluate train clean

# The shared public datasets (read in place, never copied into the project).
DATASETS ?= ../shared/datasets

# The venv is rebuilt when the dependencies change. torch==2.13.0 resolves to the CPU wheel
# the machine's pip configuration points at.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m classifiers.bundled  # builds the bundled model's ONNX file once
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/moderator demo

postgres:
	scripts/ensure-postgres

system-packages:
	scripts/ensure-system-packages

# Lint first, so CI (.ci/run calls `make test`) enforces ruff and mypy.
test: lint postgres system-packages
	$(BIN)/python -m pytest -n auto --dist loadfile

# The linters are installed once per environment, not on every run.
LINT_STAMP := $(VENV)/.lint-stamp
$(LINT_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet "ruff>=0.6" "mypy>=1.10"
	touch $(LINT_STAMP)

lint: $(LINT_STAMP)
	$(BIN)/ruff check moderator classifiers connectors queue/workqueue scripts bench tests
	$(BIN)/ruff format --check moderator classifiers connectors queue/workqueue scripts bench tests
	$(BIN)/mypy moderator connectors queue/workqueue classifiers

bench: $(STAMP)
	$(BIN)/python bench/throughput.py $(DATASETS)

evaluate: $(STAMP)
	$(BIN)/python bench/evaluate.py $(DATASETS)

# Rebuilds classifiers/bundled/artefact on the CPU (about 75 minutes on 2 cores); with a GPU,
# `make train DEVICE=cuda`. Deterministic for a seed, a thread count and a device.
DEVICE ?= cpu
train: $(STAMP)
	$(BIN)/python scripts/train_bundled.py $(DATASETS) --device $(DEVICE)

clean:
	rm -rf $(VENV) moderator.db moderator.db-wal moderator.db-shm .pytest_cache
