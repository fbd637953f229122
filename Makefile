# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install dev lint typecheck pytest fuzz clean messages browser catalogs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# The pages' catalogs: .po files are kept in git, .mo files compiled from them (the app
# also compiles a missing or older one when it starts).
TRANSLATIONS := api/pages/translations
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) -l $* 2>&1 | tail -n 1
catalogs: $(TRANSLATIONS)/en/LC_MESSAGES/messages.mo $(TRANSLATIONS)/km/LC_MESSAGES/messages.mo

# After changing a page's text: extract its strings and merge them into both catalogs.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

# The browser tests drive Debian's Chromium with Debian's Khmer fonts (no browser
# download); installed with apt-get when missing, as root.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! [ -d /usr/share/fonts/truetype/khmeros ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq chromium fonts-khmeros >/dev/null; \
	  else echo "The browser tests need chromium and fonts-khmeros: apt-get install them as root."; fi; \
	fi

$(VENV)/.dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed catalogs
dev: $(VENV)/.dev

run: install
	$(BIN)/pathways init-db
	$(BIN)/pathways load-sample
	@$(BIN)/pathways demo-users
	@echo "Sign in at http://$(HOST):$(PORT)/ with one of them (scripts: pathways create-token)."
	$(BIN)/pathways serve --host $(HOST) --port $(PORT)

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell
	$(BIN)/lint-imports

typecheck: dev
	$(BIN)/mypy

pytest: dev catalogs browser
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

# The fuzzing of `make test` with many more examples per operation and role, fresh
# random ones each run (FUZZ_EXAMPLES=1000 make fuzz for a night).
FUZZ_EXAMPLES ?= 200
fuzz: dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q tests/api/test_fuzz.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/e2e/artifacts
	rm -f $(TRANSLATIONS)/*/LC_MESSAGES/*.mo
