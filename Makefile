# lrcourse: two commands on a fresh machine.
#   make lab   - build .venv (once), then serve the course in JupyterLab on localhost
#   make test  - build or reuse .venv, then lint, run unit tests and every notebook under nbval
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
COURSE := $(VENV)/.course-installed
DEV    := $(VENV)/.dev-installed
SITE_TOOLS := $(VENV)/.site-installed
PORT   ?= 8888
# make lab WHEELHOUSE=path (or make test): build .venv from a folder `make wheelhouse` filled, with no network;
# its SHA256SUMS are checked first. Unset, the venv comes from PyPI as before.
WHEELHOUSE ?=
OFFLINE := $(if $(WHEELHOUSE), --no-index --find-links $(abspath $(WHEELHOUSE)))
VERIFY_WHEELHOUSE := $(if $(WHEELHOUSE),$(PYTHON) tools/wheelhouse.py verify $(WHEELHOUSE))
LAB_FLAGS ?=
# JupyterLab refuses to run as root unless told to; workshop VMs and containers often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# One BLAS thread per process: tests and notebooks run two at a time on two cores, and
# stored notebook outputs are made and checked with the same arithmetic.
export OMP_NUM_THREADS = 1
# Every notebook, solutions included; checkpoints never.
NOTEBOOKS = $(sort $(wildcard notebooks/*.ipynb notebooks/solutions/*.ipynb))
NBVAL = $(BIN)/python -m pytest -q -n 2 --dist loadfile \
	--nbval --nbval-current-env --nbval-sanitize-with tools/nbval_sanitize.cfg -o filterwarnings=

# The website: sources gathered into build/site-src, HTML in build/html (.nojekyll: the stamp of a finished build,
# and what GitHub Pages needs to serve folders whose names start with "_").
SITE_HTML := build/html/.nojekyll
SITE_SOURCES = $(NOTEBOOKS) $(wildcard docs/*.md docs/*.py) README.md README.zh-CN.md
# MathJax 3 from the npm registry, checked against the digest of the release the site was made with.
MATHJAX_VERSION := 3.2.2
MATHJAX := build/vendor/mathjax-$(MATHJAX_VERSION).tgz
MATHJAX_SHA256 := 1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
CHROMIUM ?= /usr/bin/chromium

.PHONY: lab test wheelhouse doctor test-workshop lint test-portable test-stress unit notebooks execute bench venv clean help site browser-test

help:
	@echo "make lab      install (first time only) and start JupyterLab on notebooks/"
	@echo "make test     lint, unit tests, then strict nbval over every notebook"
	@echo "make wheelhouse  every wheel lab and test install, in wheelhouse/ with SHA256SUMS (then: make lab WHEELHOUSE=wheelhouse, offline)"
	@echo "make doctor   pre-flight check of this laptop for a workshop (under a minute): ok, or the problem and its fix"
	@echo "make test-portable  every notebook again, on the kernels of other CPUs (torch, MKL and numpy)"
	@echo "make test-stress  the torchrun command and ddp_fit, 30 times each: none may fail"
	@echo "make test-workshop  the wheelhouse route on a few small wheels, offline, and make doctor (run by CI)"
	@echo "make execute  re-run every notebook top to bottom and store its outputs"
	@echo "make bench    speed and memory figures quoted in README"
	@echo "make site     the course as a static website in build/html (needs the npm registry the first time)"
	@echo "make browser-test  JupyterLab and the website driven in Chromium (apt-get install chromium)"

$(COURSE): requirements.txt pyproject.toml
	$(VERIFY_WHEELHOUSE)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip$(if $(WHEELHOUSE), setuptools wheel)$(OFFLINE)
	$(BIN)/python -m pip install$(OFFLINE) -r requirements.txt
	$(BIN)/python -m pip install$(OFFLINE) --no-deps --no-build-isolation -e . || $(BIN)/python -m pip install$(OFFLINE) --no-deps -e .
	touch $@

$(DEV): $(COURSE) requirements-dev.txt
	$(VERIFY_WHEELHOUSE)
	$(BIN)/python -m pip install$(OFFLINE) -r requirements-dev.txt
	touch $@

$(SITE_TOOLS): $(DEV) requirements-site.txt
	$(BIN)/python -m pip install --quiet -r requirements-site.txt
	touch $@

venv: $(DEV)

# Online, on one laptop: the wheels of requirements.txt and requirements-dev.txt (which includes it), pinned as
# they are, plus pip, setuptools and wheel; the disk is checked first. The folder serves laptops of the same OS,
# CPU architecture and Python version.
wheelhouse:
	$(PYTHON) tools/wheelhouse.py download $(or $(WHEELHOUSE),wheelhouse) -r requirements-dev.txt

# Pre-flight, after `make lab`: one line per check (ok, or the problem and its fix); exit 0 only when all pass.
doctor:
	$(PYTHON) tools/doctor.py --port $(PORT)

# The wheelhouse route end to end on a few small wheels (download, verify, install with every index disabled,
# import), a corrupted wheel refused, and the doctor on this machine and on broken conditions.
test-workshop: $(DEV)
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -p no:cacheprovider tests/workshop/workshop_*.py

# Trusting the course's own notebooks lets JupyterLab show their stored widgets and figures before anything runs.
lab: $(COURSE)
	$(BIN)/jupyter trust $(NOTEBOOKS) >/dev/null
	$(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_FLAG) --port=$(PORT) $(LAB_FLAGS)

test: $(DEV)
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) notebooks

# ruff, configured in pyproject.toml: the course's code is read as teaching material, so it is linted first.
lint: $(DEV)
	$(BIN)/ruff check

unit: $(DEV)
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -n 2 tests lrcourse --doctest-modules

notebooks: $(DEV)
	$(NBVAL) $(NOTEBOOKS)

# The stored outputs were made on one CPU; these runs pretend to be others. torch, MKL and numpy each pick
# their kernels by instruction set, each with its own switch (ATEN_CPU_CAPABILITY, MKL_ENABLE_INSTRUCTIONS,
# NPY_DISABLE_CPU_FEATURES); tools/lesser_cpu.py gives all three for an AVX2 CPU and for plain x86-64, and the
# notebook kernels inherit them from pytest. Every printed number must agree. On a CPU without these
# instruction sets (ARM) torch and MKL ignore theirs, and numpy still switches off its highest kernels.
test-portable: $(DEV)
	cpu=$$($(BIN)/python tools/lesser_cpu.py default) && echo "as default: $$cpu" && env $$cpu $(NBVAL) $(NOTEBOOKS)
	cpu=$$($(BIN)/python tools/lesser_cpu.py avx2) && echo "as avx2: $$cpu" && env $$cpu $(NBVAL) $(NOTEBOOKS)

# A fault that strikes one run in a few (a rank aborting at exit) slips through a single run; 30 in a row
# catch it. Not part of `make test` (a few minutes), and `make unit` does not collect the file (not test_*.py).
test-stress: $(DEV)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/stress/stress_ddp.py

execute: $(DEV)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

bench: $(DEV)
	$(BIN)/python tools/bench.py

$(MATHJAX):
	mkdir -p $(@D)
	cd $(@D) && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null
	$(BIN)/python -c "import hashlib, sys; digest = hashlib.sha256(open('$@', 'rb').read()).hexdigest(); \
		sys.exit(0 if digest == '$(MATHJAX_SHA256)' else f'$@: sha256 {digest}, expected $(MATHJAX_SHA256)')" \
		|| (rm -f $@; exit 1)

# The committed outputs as they are (nothing is executed); any Sphinx warning fails the build; then
# docs/check_links.py checks every link and anchor inside the site offline (Sphinx's linkcheck needs the network).
$(SITE_HTML): $(SITE_TOOLS) $(MATHJAX) $(SITE_SOURCES)
	rm -rf build/site-src build/site-doctrees build/html
	mkdir -p build/site-src/_static/mathjax
	cp -p docs/*.md docs/conf.py README.md README.zh-CN.md build/site-src/
	cp -Rp notebooks build/site-src/
	tar -xzf $(MATHJAX) -C build/site-src/_static/mathjax --strip-components=2 package/es5
	$(BIN)/sphinx-build -W --keep-going -q -b html -d build/site-doctrees build/site-src build/html
	$(BIN)/python docs/check_links.py build/html
	touch $@

site: $(SITE_HTML)

browser-test: $(SITE_HTML)
	rm -rf build/browser-screenshots
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser/browser_*.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
