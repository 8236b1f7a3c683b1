# Smart Kampung — the two set-up commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PEOPLE ?= 100000
SEED   ?= 1
PORT   ?= 8000
export SMARTKAMPUNG_VAR_DIR ?= $(CURDIR)/var

.PHONY: demo test install system-deps lint migrations-check test-sqlite test-postgres test-browser serve clean

$(BIN)/smartkampung: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/smartkampung

# Debian's chromium (browser tests) and PostgreSQL server (the second database the suite runs on).
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check src tests bench scripts

migrations-check: install
	mkdir -p $(SMARTKAMPUNG_VAR_DIR)
	$(BIN)/smartkampung makemigrations --check --dry-run

test-sqlite: install system-deps
	$(BIN)/pytest -q

test-postgres: install system-deps
	$(BIN)/python scripts/with_postgres.py -- $(BIN)/pytest -q -m "not browser" -p no:cacheprovider

test: lint migrations-check test-sqlite test-postgres

demo: install
	mkdir -p $(SMARTKAMPUNG_VAR_DIR)
	$(BIN)/smartkampung migrate --verbosity 0
	$(BIN)/smartkampung load_areas
	$(BIN)/smartkampung synth --people $(PEOPLE) --seed $(SEED) --if-empty
	$(BIN)/smartkampung demo_users
	$(BIN)/smartkampung serve --port $(PORT)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
