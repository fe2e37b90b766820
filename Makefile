# lrcourse: two commands on a fresh machine.
#   make lab   - build .venv (once), then serve the course in JupyterLab on localhost
#   make test  - build or reuse .venv, then run unit tests and every notebook under nbval
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
COURSE := $(VENV)/.course-installed
DEV    := $(VENV)/.dev-installed
PORT   ?= 8888
LAB_FLAGS ?=
# JupyterLab refuses to run as root unless told to; workshop VMs and containers often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# One BLAS thread per process: tests and notebooks run two at a time on two cores, and
# stored notebook outputs are made and checked with the same arithmetic.
export OMP_NUM_THREADS = 1
# Every notebook, solutions included; checkpoints never.
NOTEBOOKS = $(sort $(wildcard notebooks/*.ipynb notebooks/solutions/*.ipynb))
# The notebooks that train: their printed results are the ones a CPU could change.
TRAINS = lc\.(fit|compare|lr_grid|lr_find)\(
TRAINING_NOTEBOOKS = $(sort $(shell grep -l -E '$(TRAINS)' $(NOTEBOOKS)))
NBVAL = $(BIN)/python -m pytest -q -n 2 --dist loadfile \
	--nbval --nbval-current-env --nbval-sanitize-with tools/nbval_sanitize.cfg -o filterwarnings=

.PHONY: lab test test-portable unit notebooks execute bench venv clean help

help:
	@echo "make lab      install (first time only) and start JupyterLab on notebooks/"
	@echo "make test     unit tests, then strict nbval over every notebook"
	@echo "make test-portable  the training notebooks again, on the kernels of other CPUs (ATEN_CPU_CAPABILITY)"
	@echo "make execute  re-run every notebook top to bottom and store its outputs"
	@echo "make bench    speed and memory figures quoted in README"

$(COURSE): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps --no-build-isolation -e . || $(BIN)/python -m pip install --no-deps -e .
	touch $@

$(DEV): $(COURSE) requirements-dev.txt
	$(BIN)/python -m pip install -r requirements-dev.txt
	touch $@

venv: $(DEV)

lab: $(COURSE)
	$(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_FLAG) --port=$(PORT) $(LAB_FLAGS)

test: $(DEV)
	$(MAKE) unit
	$(MAKE) notebooks

unit: $(DEV)
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -n 2 tests lrcourse --doctest-modules

notebooks: $(DEV)
	$(NBVAL) $(NOTEBOOKS)

# The stored outputs were made on one CPU; these runs pretend to be others. torch picks its kernels
# by instruction set (ATEN_CPU_CAPABILITY: default = plain x86-64 SSE, avx2) and MKL by its own
# (MKL_ENABLE_INSTRUCTIONS); the kernel inherits both from pytest. Every printed number must agree.
# On a CPU without these instruction sets (ARM) the variables are ignored and the runs are plain ones.
test-portable: $(DEV)
	ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2 $(NBVAL) $(TRAINING_NOTEBOOKS)
	ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 $(NBVAL) $(TRAINING_NOTEBOOKS)

execute: $(DEV)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

bench: $(DEV)
	$(BIN)/python tools/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
