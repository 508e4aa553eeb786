# The two commands of the README: `make run` and `make test`. Needs only python3 and make.
VENV ?= .venv
PYTHON ?= python3
PORT ?= 8000
PY := $(VENV)/bin/python
# PORT goes to every command: the site records, the demo's links and the admin's e-mails follow it (cms/settings.py).
DEV_ENV := DEBUG=1 PORT=$(PORT)

.PHONY: run test lint install migrate demo check-deploy check-upgrade clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py createcachetable

demo: migrate
	$(DEV_ENV) $(PY) manage.py load_demo

# The background worker (notification e-mails, Wagtail's tasks) and the scheduler (periodic jobs: ops/jobs.py)
# run beside the server and stop with it.
run: demo
	$(DEV_ENV) $(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
		$(DEV_ENV) $(PY) manage.py run_scheduler & scheduler=$$!; \
		trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
		$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on every core (pytest-xdist: one test database and media folder per worker);
# PYTEST_WORKERS=0 runs it in one process. Browser tests run in a process of their own: a live server's
# flush and Playwright's event loop must not share a process with the rest of the suite. Exit code 5
# means "no test selected".
PYTEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -m "not browser" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	$(PY) -m pytest -m browser $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The linter and the layers of DESIGN.md (.importlinter): imports point down, features never import each other.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

check-deploy: install
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=.example.gov.vn \
		DJANGO_SETTINGS_MODULE=cms.settings $(PY) manage.py check --deploy --fail-level WARNING

# An installation of the last main before the layer split (b85f066) migrates to this code without losing
# data: SQLite, and PostgreSQL when reachable (see scripts/check_upgrade.py; UPGRADE_ARGS=--help).
check-upgrade: install
	$(PY) scripts/check_upgrade.py $(UPGRADE_ARGS)

clean:
	rm -rf $(VENV) var
