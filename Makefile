# Karavan: `make run` (the embedded demo) and `make test` (the whole suite) are the contract.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# xdist workers for `make test` (2 cores here); `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= 2
# `make test CLOCK=2027-01-15T10:00:00Z` runs the suite on another day: the clock of every test
# process starts there (config/settings/test.py; docs/DEVELOPMENT.md, "Tests and the clock").
CLOCK ?=

.PHONY: run test lint worker install lock migrate seed bench clean

# Installs come from the lock files only: every package, transitive ones included, pinned with
# hashes (--require-hashes), and --no-deps so pip never resolves anything the lock does not list.
$(STAMP): requirements.lock requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip check
	@touch $(STAMP)

install: $(STAMP)

# Re-resolve the lock files from requirements.txt / requirements-dev.txt. Existing pins are kept
# unless asked: `make lock UPGRADE=celery` (one package) or `make lock UPGRADE=--all`.
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	$(if $(filter --all,$(UPGRADE)),--upgrade,$(if $(UPGRADE),--upgrade-package $(UPGRADE)))
lock: install
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) --output-file requirements.lock requirements.txt
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt
	@rm -f $(STAMP)
	$(MAKE) install

migrate: install
	@mkdir -p var
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

run: seed
	$(MANAGE) collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Karavan is running at http://127.0.0.1:$(PORT)/"
	@echo "  API docs   http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Admin      http://127.0.0.1:$(PORT)/admin/"
	@echo "  Countries  http://127.0.0.1:$(PORT)/api/v1/countries/"
	@echo "  Health     http://127.0.0.1:$(PORT)/healthz"
	@echo "Demo logins (all printed by seed_demo above):"
	@echo "  admin   admin@karavan.local / karavan-admin        (/admin/, everything)"
	@echo "  buyer   buyer@karavan.local / karavan-buyer        (has a paid demo order)"
	@echo "  seller  yiwu-digital@sellers.karavan.local / karavan-seller"
	@echo "  staff   staff.ala@karavan.local / karavan-staff    (Almaty warehouse: admin and scanner API)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install
	$(if $(CLOCK),KARAVAN_TEST_CLOCK=$(CLOCK)) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core warehouses/fulfilment
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=lint-only-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
		ALLOWED_HOSTS=karavan.example $(BIN)/python manage.py check --deploy --fail-level WARNING

worker: install
	$(BIN)/celery -A config worker --beat --loglevel=info --scheduler django_celery_beat.schedulers:DatabaseScheduler

bench: install
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/karavan.sqlite3* var/media var/staticfiles
