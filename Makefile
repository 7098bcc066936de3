# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
# `make run` serves the production-like app; SECRET_KEY comes from the environment
# or from .secret_key, generated once and git-ignored.
WITH_KEY := SECRET_KEY="$${SECRET_KEY:-$$(cat .secret_key)}"

.PHONY: run test lint format worker bench clean backup restore messages

run: $(VENV)/.runtime .secret_key
	$(WITH_KEY) $(MANAGE) migrate --noinput
	$(WITH_KEY) $(MANAGE) load_reference_data
	$(BIN)/pybabel compile --directory locale --domain django --statistics
	$(WITH_KEY) $(MANAGE) collectstatic --noinput --verbosity 0
	$(WITH_KEY) PORT=$(PORT) BIN=$(BIN) ./bin/serve

test: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=lint $(MANAGE) check
	SECRET_KEY=lint $(MANAGE) makemigrations --check --dry-run

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The French and Spanish catalogues (locale/): collect the marked strings (needs gettext: apt-get install
# gettext), then translate the new entries in locale/*/LC_MESSAGES/django.po and run it again to compile.
MAKEMESSAGES_ARGS := --locale fr --locale es --add-location file --ignore .venv --ignore tests --ignore bench \
	--ignore staticfiles --ignore test-artifacts
messages: $(VENV)/.runtime
	SECRET_KEY=messages $(MANAGE) makemessages $(MAKEMESSAGES_ARGS)
	$(BIN)/pybabel compile --directory locale --domain django --statistics

worker: $(VENV)/.runtime .secret_key
	$(WITH_KEY) $(BIN)/celery -A ottawa_tracker worker --beat --loglevel INFO --concurrency 2

# Benchmarks run on PostgreSQL: a database of their own, rebuilt by the run.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ottawa_bench
# The broker a real worker uses to measure the time from an edit to its summary.
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/13
export BENCH_BROKER_URL
# `make bench SECTIONS=pages`: public pages through gunicorn, warm, cold and 304 (bench/pages.py; not in the default run).
bench: $(VENV)/.dev
	psql "$(dir $(BENCH_DATABASE_URL))postgres" -q -c "DROP DATABASE IF EXISTS $(notdir $(BENCH_DATABASE_URL))" \
		-c "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench $(MANAGE) migrate --noinput --verbosity 0
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench $(BIN)/python -m bench $(SECTIONS)

# Backup and restore of the database DATABASE_URL names (SQLite in the project folder when unset):
# pg_dump/pg_restore on PostgreSQL, dumpdata/loaddata on SQLite. `make backup FILE=ottawa.dump`;
# `make restore FILE=ottawa.dump` replaces the database's contents with the backup's.
backup: $(VENV)/.runtime .secret_key
	@test -n "$(FILE)" || { echo "Say where to write the backup: make backup FILE=ottawa.dump"; exit 2; }
	$(WITH_KEY) $(MANAGE) backup "$(FILE)"

restore: $(VENV)/.runtime .secret_key
	@test -n "$(FILE)" || { echo "Say which backup to restore: make restore FILE=ottawa.dump"; exit 2; }
	$(WITH_KEY) $(MANAGE) restore "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

.secret_key:
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@
