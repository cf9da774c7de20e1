# Karavan: `make run` (the embedded demo) and `make test` (the whole suite) are the contract.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# Where the embedded default keeps its files (database, broker, media, emails, logs).
KARAVAN_VAR_DIR ?= var
export KARAVAN_VAR_DIR
LOG_DIR := $(KARAVAN_VAR_DIR)/log
# xdist workers for `make test` (2 cores here); `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= 2
# `make test CLOCK=2027-01-15T10:00:00Z` runs the suite on another day: the clock of every test
# process starts there (config/settings/test.py; docs/DEVELOPMENT.md, "Tests and the clock").
CLOCK ?=

.PHONY: run serve serve-asgi test test-faults lint worker install lock migrate seed bench clean stripe-fake messages debian-packages

# Installs come from the lock files only: every package, transitive ones included, pinned with
# hashes (--require-hashes), and --no-deps so pip never resolves anything the lock does not list.
$(STAMP): requirements.lock requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip check
	@touch $(STAMP)

install: $(STAMP)

# Debian packages the suite needs: chromium for the browser tests, gettext for compilemessages,
# a Chinese font so that the Chinese pages' screenshots show characters, not boxes. Each entry is
# package:command-that-proves-it-is-there. Installed when missing and possible (root with apt);
# otherwise the browser tests skip locally (CI sets KARAVAN_REQUIRE_SERVICES=1, which turns that
# skip into a failure).
DEBIAN_PACKAGES := chromium:chromium gettext:msgfmt fonts-wqy-zenhei:/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
debian-packages:
	@for entry in $(DEBIAN_PACKAGES); do \
		package=$${entry%%:*}; command=$${entry##*:}; \
		case $$command in /*) test -e $$command && continue;; *) command -v $$command >/dev/null 2>&1 && continue;; esac; \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's $$package"; \
			apt-get install -y -q --no-install-recommends $$package >/dev/null 2>&1 \
				|| { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $$package >/dev/null; } \
				|| echo "could not install $$package"; \
		else echo "$$package is missing and cannot be installed here"; fi; \
	done

# Our translations (locale/<lang>/LC_MESSAGES/django.po) compiled to .mo; the .mo files are
# build output (not in git).
messages: install debian-packages
	@$(MANAGE) compilemessages --ignore=.venv --ignore=var --verbosity 0

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
	@mkdir -p $(KARAVAN_VAR_DIR)
	$(MANAGE) migrate --noinput
	$(MANAGE) broker_prepare

seed: migrate
	$(MANAGE) seed_demo

# One Django start-up for migrate, broker_prepare, seed_demo and collectstatic (a second run has
# almost nothing to do: start-ups were most of its time).
run: install messages
	@mkdir -p $(LOG_DIR)
	$(MANAGE) run_prepare
	@echo ""
	@echo "Karavan is running at http://127.0.0.1:$(PORT)/"
	@echo "  Shop       http://127.0.0.1:$(PORT)/            (buyers: catalog, livestreams, cart, checkout; en/ru/zh)"
	@echo "  Sellers    http://127.0.0.1:$(PORT)/seller/     (the seller dashboard: products, imports, stock, streams)"
	@echo "  API docs   http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Admin      http://127.0.0.1:$(PORT)/admin/"
	@echo "  Countries  http://127.0.0.1:$(PORT)/api/v1/countries/"
	@echo "  Health     http://127.0.0.1:$(PORT)/healthz"
	@echo "Demo logins (all printed by seed_demo above):"
	@echo "  admin   admin@karavan.local / karavan-admin        (/admin/, everything)"
	@echo "  buyer   buyer@karavan.local / karavan-buyer        (has a paid demo order)"
	@echo "  seller  yiwu-digital@sellers.karavan.local / karavan-seller  (/seller/)"
	@echo "  staff   staff.ala@karavan.local / karavan-staff    (Almaty warehouse: admin and scanner API)"
	@echo "  operator operator@karavan.local / karavan-operator (/admin/orders/order/dashboard/)"
	@echo "Celery worker and beat run in the background (expiry, consolidation, estimates, rates):"
	@echo "  logs    $(LOG_DIR)/worker.log  $(LOG_DIR)/beat.log"
	@echo "Web: gunicorn with uvicorn workers (WEB_CONCURRENCY, one per core by default, at least two) on SQLite in WAL mode."
	@echo "Ctrl-C stops the server, the worker and beat together."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m config.procfile --procfile Procfile --port $(PORT)

# Production-like serving (README: "Serving"): gunicorn with uvicorn workers (config/gunicorn.py,
# WEB_CONCURRENCY, one per core by default, at least two), psycopg's pool per worker, whitenoise, the Redis cache,
# a Celery worker and beat (Procfile.serve), on the production settings: set DATABASE_URL,
# CELERY_BROKER_URL, CACHE_URL, DJANGO_SECRET_KEY, ALLOWED_HOSTS (and SECURE_SSL_REDIRECT=False
# to try it over plain HTTP). Migrates and collects static files first; Ctrl-C stops everything.
SERVE_SETTINGS ?= config.settings.production
serve: install messages
	DJANGO_SETTINGS_MODULE=$(SERVE_SETTINGS) $(MANAGE) migrate --noinput --verbosity 1
	DJANGO_SETTINGS_MODULE=$(SERVE_SETTINGS) $(MANAGE) collectstatic --noinput --verbosity 0
	@echo "Karavan is serving at http://$${SERVE_BIND:-127.0.0.1}:$(PORT)/ ($(SERVE_SETTINGS))"
	DJANGO_SETTINGS_MODULE=$(SERVE_SETTINGS) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m config.procfile --procfile Procfile.serve --port $(PORT)

# The demo served under ASGI (uvicorn), as production serves it: live events (server-sent events at
# /api/v1/livestreams/{id}/events/) stream only under ASGI. One process: without Redis
# (LIVE_EVENTS_REDIS_URL) live events go through the SQLite file bus. `make run` serves several workers.
ASGI_WORKERS ?= 1
serve-asgi: seed
	$(MANAGE) collectstatic --noinput --verbosity 0
	@echo "Karavan (ASGI) is running at http://127.0.0.1:$(PORT)/"
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} $(BIN)/uvicorn config.asgi:application \
		--host 127.0.0.1 --port $(PORT) --workers $(ASGI_WORKERS) --no-access-log --lifespan off

test: install messages
	$(if $(CLOCK),KARAVAN_TEST_CLOCK=$(CLOCK)) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Faults injected into real parts (issue 17): database connections killed mid-placement, the broker
# down while an order is placed, a Celery worker killed with SIGKILL mid-task; `manage.py audit`
# runs after each. Files named fault_*.py, so `make test` does not collect them; needs the PG env.
FAULT_TESTS := $(wildcard */tests/fault_*.py)
test-faults: install
	$(if $(CLOCK),KARAVAN_TEST_CLOCK=$(CLOCK)) $(BIN)/python -m pytest -n 0 -p no:cacheprovider $(FAULT_TESTS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core warehouses/fulfilment
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	@# Production refuses to boot without PostgreSQL, a shared cache and a broker; the check never
	@# connects to them, so these addresses (port 9: nothing listens there) need not exist.
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=lint-only-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
		ALLOWED_HOSTS=karavan.example OFFLINE_PAYMENT_METHOD=bank_transfer DATABASE_URL=postgres://lint@127.0.0.1:9/lint \
		CACHE_URL=redis://127.0.0.1:9/0 CELERY_BROKER_URL=redis://127.0.0.1:9/0 LIVE_EVENTS_REDIS_URL=redis://127.0.0.1:9/0 \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

worker: install
	$(BIN)/celery -A config worker --beat --loglevel=info --scheduler django_celery_beat.schedulers:DatabaseScheduler

# A local fake of the Stripe API (core/payments/stripe_fake.py) that delivers signed webhooks to
# `make run` on $(PORT); run the app beside it with the variables it prints (README: "Payments").
STRIPE_FAKE_PORT ?= 12111
stripe-fake: install
	$(MANAGE) stripe_fake --port $(STRIPE_FAKE_PORT) \
		--webhook-url http://127.0.0.1:$(PORT)/api/v1/payments/stripe/webhook/

# The benchmark suite (bench/README.md): seeds its own PostgreSQL database, serves it the way
# `make serve` does, prints one table of medians with ratios to the machine's ceilings, and writes
# a JSON result file. `make bench BENCH_ARGS=--quick` for a smoke run.
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/karavan.sqlite3* var/celery.sqlite3* var/media var/private var/staticfiles var/log
