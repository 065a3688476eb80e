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

# Claude Code and Codex CLI for the real-client tests (tests/test_proxy_real_clients.py):
# pinned, from npm; their native binaries ship inside the packages and run offline.
E2E_DIR := .e2e
E2E_STAMP := $(E2E_DIR)/.crosswalk-e2e
E2E_PACKAGES := @anthropic-ai/claude-code@2.1.328 @openai/codex@0.169.0

.PHONY: setup regen check-generated lint test run bench schemas e2e-clients

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

e2e-clients: $(E2E_STAMP)

$(E2E_STAMP): Makefile
	mkdir -p $(E2E_DIR)
	echo '*' > $(E2E_DIR)/.gitignore
	npm install --prefix $(E2E_DIR) --no-audit --no-fund --no-save $(E2E_PACKAGES)
	$(E2E_DIR)/node_modules/.bin/claude --version
	$(E2E_DIR)/node_modules/.bin/codex --version
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

test: setup e2e-clients check-generated lint
	$(PY) -m pytest

# The proxy on 127.0.0.1:8787. Upstreams come from ANTHROPIC_API_KEY / OPENAI_API_KEY
# (and their *_BASE_URL), or from ARGS: make run ARGS="--upstream chat=http://127.0.0.1:8000/v1"
run: setup
	$(VENV)/bin/crosswalk serve $(ARGS)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/bench_requests.py
	$(BENCH_VENV)/bin/python bench/bench_streams.py

schemas: setup
	$(PY) -m codegen.export_schemas
