# Two commands: `make run` (install, migrate, seed, serve on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export DATABASE_URL ?= sqlite:///salary.db

.PHONY: run test install lock lint typecheck bench bench-release clean clients openapi

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Every dependency from the lock, pinned with hashes; then the project itself, with nothing more.
$(VENV)/.installed: pyproject.toml requirements-dev.lock | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(VENV)/.installed

# Refresh the locks (uv: one fast resolver for both files, universal: one lock for Python 3.11 and 3.12 on any
# platform) from pyproject.toml's ranges. setuptools, the build backend, is locked too, so that installing
# the project (--no-build-isolation) fetches nothing unpinned. Review the diff, then `make install`.
LOCK_FLAGS = --universal --python-version 3.11 --generate-hashes --upgrade --quiet --custom-compile-command "make lock"
lock: install
	echo "setuptools>=68" | $(BIN)/uv pip compile pyproject.toml - $(LOCK_FLAGS) -o requirements.lock
	echo "setuptools>=68" | $(BIN)/uv pip compile pyproject.toml - --extra dev $(LOCK_FLAGS) -o requirements-dev.lock

run: install
	$(BIN)/salary-api migrate
	$(BIN)/salary-api seed
	$(BIN)/salary-api serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check app seed tests migrations bench
	$(BIN)/ruff format --check app seed tests migrations bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy app seed bench

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
