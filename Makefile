# Caseworks. `make run` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8000
# Python's bytecode cache on, whatever the environment says (PYTHONDONTWRITEBYTECODE=1 in some
# images): without it every process compiles the project again, and each pytest worker rewrites
# and compiles every test module: 12.6 s of CPU to collect the suite instead of 5.3 s (issue 18.1).
export PYTHONDONTWRITEBYTECODE :=
# The embedded SQLite broker wants a single-process worker; Redis can take a pool.
WORKER_POOL ?= $(if $(findstring redis://,$(CELERY_BROKER_URL)),prefork --concurrency=2,solo)

.PHONY: run install migrate demo web worker beat test test-fast lint typecheck typecheck-sync check browser fonts messages api-fuzz bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: install messages fonts
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## Virtualenv, install, migrate, demo data, then web + worker + beat on http://127.0.0.1:$(PORT)
run: demo
	PORT=$(PORT) WORKER_POOL="$(WORKER_POOL)" $(VENV)/bin/honcho -f Procfile.dev start

web: install
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: install
	$(VENV)/bin/celery -A config worker -l info --pool=$(WORKER_POOL)

beat: install
	$(VENV)/bin/celery -A config beat -l info

## Every test, in parallel (SQLite with no variables; PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set)
# Each xdist worker has its own database; browser tests and real-worker tests run as groups (tests/conftest.py).
# The tree is compiled once first (not .venv or .git), so the workers start from the bytecode cache:
# in one process (1.6 s for all 736 files, 0.3 s when nothing changed; -j 0's pool took 4 s either way).
# A first run builds the SQLite template in the background meanwhile (tests/db_template.py --prepare).
TEST_WORKERS ?= auto
test: install
	$(PY) -m tests.db_template --prepare & template=$$!; \
	$(MAKE) --no-print-directory browser fonts messages \
	&& $(PY) -m compileall -q -x '/\.' . \
	&& $(PY) -m pytest -p no:randomly -n $(TEST_WORKERS) --dist loadgroup --durations=25; \
	status=$$?; wait $$template; exit $$status

## ruff, the import contracts (.importlinter) and mypy against its committed baseline (may only shrink)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(MAKE) --no-print-directory typecheck

# mypy-baseline fails on an error not in mypy-baseline.txt and on one fixed but still listed:
# after fixing errors, `make typecheck-sync` shrinks the baseline.
typecheck: install
	$(VENV)/bin/mypy | $(VENV)/bin/mypy-baseline filter

typecheck-sync: install
	$(VENV)/bin/mypy | $(VENV)/bin/mypy-baseline sync

check: install
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  DJANGO_ALLOWED_HOSTS=caseworks.example.org CASEWORKS_ACH_COMPANY_ID=1234567890 CASEWORKS_ACH_COMPANY_NAME="CHECK COUNTY SDU" \
	  CASEWORKS_FIELD_ENCRYPTION_KEYS="$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" CASEWORKS_BLIND_INDEX_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Debian's Chromium for the browser tests (Playwright's own download cannot work here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
	    || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "run 'sudo apt-get install -y chromium' for the browser tests (skipped without it)"; fi; \
	fi

# Compiled catalogues (locale/*/LC_MESSAGES/*.mo) from the .po files with polib: no network and no
# GNU gettext needed. The .mo files are committed as well; `--check` in CI fails on a stale one.
messages: install
	$(PY) tools/compile_catalogues.py

# DejaVu Sans for letters (CASEWORKS_LETTER_FONT): Debian's fonts-dejavu-core. Font files are not committed.
fonts:
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core) >/dev/null \
	    || echo "fonts-dejavu-core could not be installed: letters will be refused until CASEWORKS_LETTER_FONT points at a TTF"; \
	  else echo "run 'sudo apt-get install -y fonts-dejavu-core' (letters need a Unicode TrueType font)"; fi; \
	fi

## Schemathesis against the live API (needs a server: see .ci/api_fuzz.sh)
api-fuzz: install
	bash .ci/api_fuzz.sh

clean:
	rm -rf $(VENV) .local staticfiles
