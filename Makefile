# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in e-mails, PDFs and QR codes point at the demo's own port unless SITE_URL is set.
SITE_URL ?= http://127.0.0.1:$(PORT)
STAMP := $(VENV)/.installed

.PHONY: run test suite lint typecheck bench bench-tools install migrate demo clean browsers messages

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0
	# R-VE-4: the development CA and PDF signing certificate under var/signing, and the issuer key.
	$(BIN)/python manage.py ensure_signing_keys

demo: migrate
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo

## Compiled translation catalogs (locale/*/LC_MESSAGES/django.mo, not committed: built
## from the .po files here and in the Dockerfile). Needs GNU gettext's msgfmt (make browsers).
messages: install
	@command -v msgfmt >/dev/null || { echo "Compiling translations needs gettext: sudo apt-get install gettext"; exit 1; }
	$(BIN)/python manage.py compilemessages -v0 --ignore .venv --ignore var

## make run: install, migrate, load demo data, serve on http://127.0.0.1:$(PORT)
run: messages demo
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## System packages the tests use: Debian's Chromium (Playwright's own browser
## download is not used), pdftoppm, and fonts that cover non-Latin names.
SYSTEM_PACKAGES := chromium poppler-utils fonts-dejavu-core fonts-noto-core fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 gettext
browsers:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing $$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "The tests need: sudo apt-get install $$missing"; exit 1; fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

## make test: lint, types, then the whole suite (browser tests included).
test: install browsers lint typecheck suite

## make suite: the test suite alone (pytest), on whatever DATABASE_URL says.
suite: install messages
	mkdir -p var
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

## Load generator for the API benchmark (Debian's wrk).
bench-tools:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "The API benchmark needs wrk: sudo apt-get install wrk"; fi; }

## make bench: 100k applicants in PostgreSQL database ecfmg_bench, every benchmark, docs/benchmarks.md.
bench: install bench-tools
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
