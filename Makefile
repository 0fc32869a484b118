# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# Local values, set explicitly (production sets its own; see README "Running in production").
LOCAL_ENV := DEBUG=1 SECRET_KEY=local-development-only ALLOWED_HOSTS=127.0.0.1,localhost \
             SITE_URL=http://127.0.0.1:$(PORT)

.PHONY: venv run lint test migrate demo bench faults clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(LOCAL_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(LOCAL_ENV) $(PY) manage.py ingest_ninjs --publish demo/ninjs
	$(LOCAL_ENV) $(PY) manage.py make_demo_liveblog
	$(LOCAL_ENV) $(PY) manage.py rebuild_search_index
	@# Related stories are kept at save time; a database made before they were (or by generate_newsroom) gets them here.
	$(LOCAL_ENV) $(PY) manage.py fill_related

run: demo
	$(LOCAL_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@$(LOCAL_ENV) $(PY) manage.py ensure_demo_admin
	@echo "Serving on http://127.0.0.1:$(PORT)/ (the scheduler runs beside it; Ctrl-C stops both)"
	@# The scheduler is supervised: if it dies, say so and start it again (the Schedule page shows its last pass).
	@( trap 'kill $$WORKER 2>/dev/null; exit 0' INT TERM; \
	   while true; do \
	     $(LOCAL_ENV) $(PY) manage.py publish_scheduled --loop & WORKER=$$!; wait $$WORKER; STATUS=$$?; \
	     echo "make run: the scheduler stopped (exit status $$STATUS); restarting it in 5 s" >&2; sleep 5 & wait $$!; \
	   done ) & SUPERVISOR=$$!; \
	trap 'kill $$SUPERVISOR 2>/dev/null' EXIT INT TERM; \
	$(LOCAL_ENV) $(VENV)/bin/gunicorn newsroom.wsgi --config gunicorn.conf.py --bind 127.0.0.1:$(PORT)

# Ruff (pyflakes, pycodestyle, Django, timezone and import rules) and the import-linter layer contracts, both
# configured in pyproject.toml. `make test` runs them first, so a lint error or a broken contract fails the run (and CI).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: lint
	$(PY) -m pytest

# Never in CI. BENCH_SIZES=1000,100000 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench
# BENCH_REDIS_URL=redis://127.0.0.1:6379/14 make bench  — compares sizes on PostgreSQL + Redis.
bench: venv
	@command -v wrk >/dev/null || echo "wrk not found: using bench/load.py (apt-get install wrk for higher rates)"
	$(PY) bench/run.py

# Never in CI. Starts its own servers (and its own redis-server) on 127.0.0.1, breaks them, prints what readers got.
faults: venv
	$(PY) bench/faults.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .import_linter_cache
