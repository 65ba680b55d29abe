# fupin — the two commands a newcomer needs are `make demo` and `make test`.
#
#   make install   create .venv (Python >= 3.12) and install fupin with its dev tools (idempotent)
#   make demo      migrate, load the demo district (first time only), serve at http://127.0.0.1:8000
#   make test      the whole suite on SQLite, then again on PostgreSQL if it answers at 127.0.0.1:5432
#   make lint      ruff, ruff format --check, mypy, import-linter, makemigrations --check
#   make bench     the benchmark suite (bench/bench_*.py), ratios against baselines of the same run
#   make serve     gunicorn + the background-job worker (FUPIN_MODE defaults to demo here)

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
FUPIN := $(VENV)/bin/fupin
STAMP := $(VENV)/.installed
BIND ?= 127.0.0.1:8000
DEMO_ENV := FUPIN_MODE=demo DJANGO_SETTINGS_MODULE=config.settings.base

.PHONY: help install demo test lint bench serve

help:
	@sed -n '3,9p' Makefile | sed 's/^# //'

install:
	@set -e; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then \
		python=$$(scripts/find-python); \
		echo "Creating $(VENV) with $$python ($$($$python --version 2>&1))"; \
		rm -rf $(VENV); \
		$$python -m venv $(VENV); \
	fi; \
	if [ ! -f $(STAMP) ] || [ pyproject.toml -nt $(STAMP) ]; then \
		echo "Installing fupin and its dependencies into $(VENV) (the first time takes a few minutes)"; \
		$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'; \
		touch $(STAMP); \
	fi

demo: install
	$(DEMO_ENV) $(FUPIN) migrate --no-input -v 0
	$(DEMO_ENV) $(FUPIN) demo --if-empty
	@echo "Serving the demo at http://$(BIND)/ — log in with an account above; Ctrl-C stops it."
	$(DEMO_ENV) $(FUPIN) serve --bind $(BIND)

test: install
	@scripts/run-tests

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy fupin
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(FUPIN) makemigrations --check --dry-run

bench: install
	$(PY) -m bench.run

serve: install
	FUPIN_MODE=$${FUPIN_MODE:-demo} $(FUPIN) serve --bind $(BIND)
