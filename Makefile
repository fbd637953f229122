# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install dev lint typecheck pytest fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev

run: install
	$(BIN)/pathways init-db
	$(BIN)/pathways load-sample
	@echo "Demo counsellor token (Svay Rieng Shelter): sign in at http://$(HOST):$(PORT)/ or send 'Authorization: Bearer <token>':"
	@$(BIN)/pathways create-token --org "Svay Rieng Shelter" --role counsellor 2>/dev/null | tail -n 1
	@echo "Demo surveyor token (Market Survey Network), for the market survey page:"
	@$(BIN)/pathways create-token --org "Market Survey Network" --role surveyor 2>/dev/null | tail -n 1
	$(BIN)/pathways serve --host $(HOST) --port $(PORT)

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell
	$(BIN)/lint-imports

typecheck: dev
	$(BIN)/mypy

pytest: dev
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

# The fuzzing of `make test` with many more examples per operation and role, fresh
# random ones each run (FUZZ_EXAMPLES=1000 make fuzz for a night).
FUZZ_EXAMPLES ?= 200
fuzz: dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q tests/api/test_fuzz.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .hypothesis
