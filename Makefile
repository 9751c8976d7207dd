# The two commands of the README:  make run  (a working portal with demo data)  and  make test  (every check).
# Without DATABASE_URL / REDIS_URL the portal uses SQLite and runs Celery tasks eagerly: no services needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate seed lint check schema pytest worker beat bench clean backup restore

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo "门户地址 http://$(HOST):$(PORT)/ ，演示账号见 README（密码 portal-demo）"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

schema: install
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

pytest: install
	$(BIN)/pytest

test: lint check schema pytest

worker: install
	$(BIN)/celery -A portal worker --loglevel INFO

beat: install
	$(BIN)/celery -A portal beat --loglevel INFO

# City-scale benchmark (README "Performance"): needs PostgreSQL (DATABASE_URL) and wrk; Redis optional.
bench: install
	$(BIN)/python manage.py bench --scale city

# PostgreSQL only (README "Backup and restore"): make backup [FILE=x.dump]; make restore FILE=x.dump
backup: install
	$(BIN)/python manage.py backup_database $(FILE)

restore: install
	@test -n "$(FILE)" || { echo "用法：make restore FILE=备份文件"; exit 2; }
	$(BIN)/python manage.py restore_database $(FILE)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts .pytest_cache .ruff_cache
