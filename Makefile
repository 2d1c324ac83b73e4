# The two set-up commands of the README: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed
# pywb, the replay tool the tests check our WARC files with, in a virtual environment of its own.
PYWB_VENV ?= .venv-pywb
PYWB_STAMP = $(PYWB_VENV)/.installed
# Debian's Chromium for the browser test (Playwright drives it; no browser is downloaded).
CHROMIUM ?= /usr/bin/chromium

.PHONY: install demo test lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

$(PYWB_STAMP):
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/pip install --quiet pywb==2.10.0
	touch $(PYWB_STAMP)

$(CHROMIUM):
	apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/minzu-archive demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) $(PYWB_STAMP) $(CHROMIUM) lint
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/python -m archive.extract.evaluate $(if $(EVAL_DIR),--eval-dir $(EVAL_DIR),)

# Timings against a baseline measured in the same run (never part of `make test`); QUICK=1 for a smoke run.
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(if $(QUICK),--quick,)

clean:
	rm -rf collections/demo .pytest_cache
