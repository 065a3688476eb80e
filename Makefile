# Everything goes through the project's own virtualenv, so `make test` on a fresh clone
# is the same command CI runs (.ci/run) and needs nothing installed but python3 >= 3.11.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Re-install only when the dependency list changes; the install is editable, so code
# changes never need it.
SETUP_STAMP := $(VENV)/.crosswalk-setup
# The peers in the `bench` extra (litellm) pin openai<3, which would downgrade the dev
# venv's openai==3.54.0 that the schemas are exported from: benchmarks get their own venv.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.crosswalk-bench
LINTED := crosswalk codegen tests bench
RUN_FIXTURE := tests/fixtures/claude_code_tool_read_image_with_thinking.json

.PHONY: setup regen check-generated lint test run bench schemas

setup: $(SETUP_STAMP)

$(SETUP_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -e '.[dev]'
	touch $@

$(BENCH_STAMP): pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	echo '*' > $(BENCH_VENV)/.gitignore
	$(BENCH_VENV)/bin/python -m pip install --disable-pip-version-check -e '.[bench]'
	touch $@

regen: setup
	$(PY) -m codegen

check-generated: setup
	$(PY) -m codegen --check

lint: setup
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict generated/converters generated/policy.py

test: setup check-generated lint
	$(PY) -m pytest

run: setup
	$(VENV)/bin/crosswalk convert request --from anthropic --to chat $(RUN_FIXTURE)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/bench_requests.py
	$(BENCH_VENV)/bin/python bench/bench_streams.py

schemas: setup
	$(PY) -m codegen.export_schemas
