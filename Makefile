# cchc — the two commands: `make demo` and `make test`. CI runs `make test` too.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PO := $(wildcard locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

.PHONY: demo test setup lint fmt messages e2e pytest serve clean help
.DEFAULT_GOAL := help

help:
	@echo "make demo   set up and serve cchc with An Giang demo data at http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run every check and test (DATABASE_URL=... for PostgreSQL)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("cchc needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

.env:
	cp .env.example .env

var:
	mkdir -p var

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP) .env
	$(BIN)/python manage.py compile_translations

setup: $(STAMP) .env var $(MO)

demo: setup
	$(BIN)/python manage.py setup_demo
	@echo "cchc is served at http://127.0.0.1:$(PORT)/ — log in with one of the demo logins above."
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload --skip-checks

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: setup
	$(BIN)/pytest -m "not e2e" -q

e2e: setup
	$(BIN)/pytest -m e2e -q

test: lint
	$(BIN)/pytest -q --durations=15

fmt: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (xgettext); only for developers who change strings.
messages: setup
	$(BIN)/python manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=var
	$(BIN)/python manage.py compile_translations

clean:
	rm -rf $(VENV) var/static
