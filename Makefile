# Two commands: `make run` (install, migrate, seed, serve on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export DATABASE_URL ?= sqlite:///salary.db

.PHONY: run test install lint typecheck bench bench-release clean clients openapi

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/salary-api migrate
	$(BIN)/salary-api seed
	$(BIN)/salary-api serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check app seed tests migrations bench
	$(BIN)/ruff format --check app seed tests migrations bench

typecheck: install
	$(BIN)/mypy app seed

bench: install
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.locations

# The full official OEWS release (236,799 rows): import, memory, first request per occupation, exports.
bench-release: install
	$(BIN)/python -m bench.release $(BENCH_ARGS)

# The generated-client checks' packages (tests/test_clients.py): TypeScript via npm, Python via .[dev].
clients: install
	cd clients/ts && npm ci --no-audit --no-fund

# Rewrite the committed contract (openapi.json) after a deliberate API change; review its diff.
openapi: install
	$(BIN)/salary-api openapi

clean:
	rm -rf $(VENV) salary.db .pytest_cache .mypy_cache .ruff_cache clients/ts/node_modules clients/ts/dist clients/ts/generated
