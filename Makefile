# Roost: `make demo` runs it, `make test` tests it. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install demo serve test test-sqlite test-postgres lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/roost demo

serve: install
	$(BIN)/roost serve

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# The whole suite on SQLite, then again on PostgreSQL. Without a reachable PostgreSQL the
# second run is skipped with a message, unless REQUIRE_POSTGRES=1 (CI sets it). Each run keeps
# its temporary files (databases, keys) under .pytest-tmp/: pytest prunes old runs in the
# shared /tmp base, which would pull a live database away from a concurrent run.
test: lint test-sqlite test-postgres

test-sqlite: install
	mkdir -p .pytest-tmp
	$(BIN)/pytest --db sqlite --basetemp=.pytest-tmp/sqlite

test-postgres: install
	@mkdir -p .pytest-tmp
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(POSTGRES_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(BIN)/pytest --db postgres --basetemp=.pytest-tmp/postgres; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL at $(POSTGRES_URL) is required but not reachable" >&2; exit 1; \
	else \
		echo "SKIPPED the PostgreSQL run: no server at $(POSTGRES_URL) (set REQUIRE_POSTGRES=1 to fail instead)"; \
	fi

bench: install
	$(BIN)/python bench/connect_sessions.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
