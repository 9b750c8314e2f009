# The two commands: `make run` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEV_ENV := DEBUG=$${DEBUG:-true}

.PHONY: run serve test install setup lint messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "sscard-kb needs Python 3.12 or newer (Django 6.1); found " + sys.version.split()[0] + ". Set PYTHON=python3.13 or use pyenv.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# The HTML checker and axe-core for the tests (npm registry, pinned in package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

# Migrate, load the law texts, import the source texts. Any failing step stops make. Both imports compare
# each file with what it gave last time, so a re-run keeps what publishers and editors changed since.
setup: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py import_law_text fixtures/laws/
	$(DEV_ENV) $(BIN)/python manage.py import_source_texts fixtures/source/

run: setup
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production: the environment of .env.example (DEBUG off, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, …) exported
# first; see docs/deployment.md. Migrate, collect the static files for WhiteNoise, load the law texts (a re-run
# changes nothing already loaded), then gunicorn with gunicorn.conf.py (HOST, PORT, WEB_CONCURRENCY).
# Source texts are imported by hand (README, "Importing source texts"), never on a restart.
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py import_law_text fixtures/laws/
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/gunicorn -c gunicorn.conf.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install node_modules/.installed
	DJANGO_SETTINGS_MODULE=sscard_kb.test_settings $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=sscard_kb.test_settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The interface's catalogues: gather the marked strings into locale/zh_Hans/LC_MESSAGES/django.po (no line
# numbers and no obsolete entries, so that the file changes only where the strings do), then compile django.mo,
# which is committed (`make run` needs no gettext; `make test` checks it matches the .po). Needs GNU gettext.
MESSAGE_DIRS := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=media --ignore=cache \
	--ignore=bench --ignore=tests --ignore=deploy --ignore=fixtures
messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages --locale zh_Hans --no-obsolete --add-location file $(MESSAGE_DIRS)
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --locale zh_Hans --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles .pytest_cache .ruff_cache
