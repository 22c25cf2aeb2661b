# Whitewall: `make run` starts everything with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export WHITEWALL_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint check-python install install-test messages compilemessages screenshots clean bench-audit bench-wall bench-screening bench-plan bench-finance

check-python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "Whitewall needs Python 3.11 or newer; this python3 is %d.%d. Install Python 3.11+ or run: make run PYTHON=/path/to/python3.11" % v[:2])'

$(BIN)/python: | check-python
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing Whitewall into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	@echo "Installing test tools into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: check-python $(VENV)/.installed
	@$(BIN)/whitewall migrate --noinput -v 0
	@$(BIN)/whitewall seed_demo
	@$(BIN)/whitewall demo_accounts
	@$(BIN)/whitewall serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check --quiet src tests
	$(BIN)/lint-imports --no-cache

test: check-python $(VENV)/.installed-test lint
	@bash scripts/run-tests.sh

messages: $(VENV)/.installed-test
	cd src/whitewall && ../../$(BIN)/whitewall makemessages -l zh_Hans --no-obsolete --add-location file -i "static/vendor/*"
	cd src/whitewall && ../../$(BIN)/whitewall makemessages -d djangojs -l zh_Hans --no-obsolete --add-location file -i "core/static/vendor/*"

compilemessages: $(VENV)/.installed
	cd src/whitewall && ../../$(BIN)/whitewall compilemessages -l zh_Hans

screenshots: $(VENV)/.installed-test
	$(BIN)/pytest tests/e2e -p no:randomly -o addopts="" -q

# Audit trail: appends/s (SQLite, PostgreSQL when reachable), verification/s, raw SHA-256 rate.
bench-audit: $(VENV)/.installed
	$(BIN)/python bench/audit_bench.py

bench-wall: $(VENV)/.installed
	$(BIN)/python bench/wall_bench.py

# Sensitive-word screening: MB/s of normalisation, matching and screen() with 10,000 words.
bench-screening: $(VENV)/.installed
	$(BIN)/python bench/screening_bench.py

bench-plan: $(VENV)/.installed
	$(BIN)/python bench/plan_bench.py

# Budget check and cost dashboard with 100 and 100,000 claims (SQLite, PostgreSQL).
bench-finance: $(VENV)/.installed
	$(BIN)/python bench/finance_bench.py

clean:
	rm -rf $(VENV) .ruff_cache .pytest_cache
