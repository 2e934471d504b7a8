# Two commands: `make run` (demo site on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt build-constraints.txt | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev
# The address printed by the demo loader and used in links (e-mails, SMS) is the one served.
export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: install run migrate demo test test-browser lint format messages bench clean worker

$(STAMP): requirements.txt build-constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.3"
	$(BIN)/python -m pip install --quiet --build-constraint build-constraints.txt -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The task queue on one machine: a Celery worker with beat inside it. It needs a
# broker, and `make run` must see the same CELERY_BROKER_URL to hand it work;
# without one, make run does every task itself. Production: separate
# `celery -A portal worker` processes and exactly one `celery -A portal beat`.
worker: migrate
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672//"; exit 1; }
	$(BIN)/celery -A portal worker -B -l info

# Parallel on every core (pytest-xdist): each worker has its own test database and live server.
TEST_WORKERS ?= auto
test: install
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-browser: install
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

TEMPLATES_HTML = $(shell git ls-files '*.html' 2>/dev/null || find portal home registration training templates -name '*.html')
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "djhtml --check"; $(BIN)/djhtml --check -t 2 $(TEMPLATES_HTML)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml -t 2 $(TEMPLATES_HTML)

# Refresh and compile the translation catalogues (needs GNU gettext: apt-get install gettext).
messages: install
	for app in portal home registration training evaluation; do (cd $$app && PYTHONPATH=$(CURDIR) ../$(BIN)/django-admin makemessages -l zh_Hans -l en --no-obsolete --ignore='tests/*'); done
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore='portal/*' --ignore='home/*' --ignore='registration/*' --ignore='training/*' --ignore='evaluation/*' --ignore='.venv/*' --ignore='bench/*' --ignore='test-artifacts/*' --ignore='staticfiles/*'
	$(BIN)/python manage.py compilemessages --ignore=.venv

# server_bench.py needs PostgreSQL, Redis and wrk (it says so and skips otherwise);
# e.g. make bench SERVER_BENCH_ARGS="--backoffice district" (bench/README.md).
bench: install
	$(BIN)/python bench/pages_bench.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/server_bench.py $(SERVER_BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
