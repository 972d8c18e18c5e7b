# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench install migrate demo clean browsers

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py seed_demo

## make run: install, migrate, load demo data, serve on http://127.0.0.1:$(PORT)
run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Chromium for browser tests (Debian's package; Playwright's own download is not used).
browsers:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core fonts-noto-core >/dev/null; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium poppler-utils"; fi; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

## make test: lint, types, then the whole suite (browser tests included).
test: install browsers lint typecheck
	mkdir -p var
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m tests.bench.run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
