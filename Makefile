# The README's two commands are `make demo` and `make test`; both set everything up first.
SHELL := /bin/bash
VENV := .venv/bin
RUN_DIR ?= .llmops

.PHONY: setup demo test test-unit lint format up down status bench clean eval-guardrails eval-drift

setup: .venv/.bootstrapped

.venv/.bootstrapped: uv.lock pyproject.toml infra/bootstrap.sh
	./infra/bootstrap.sh
	touch $@

demo: setup  ## Start the stack, send ~50 multilingual requests, print a summary, stop the stack.
	$(VENV)/llmops demo --run-dir $(RUN_DIR)/demo

test: setup  ## Unit, component and integration tests (the fixtures start and stop the real local servers).
	$(VENV)/pytest

test-unit: setup  ## Tests that need no server.
	$(VENV)/pytest -m "not integration"

TEST_DIRS := tests lib/llmops/tests $(wildcard services/*/tests) infra/tgi-simulator/tests

lint: setup  ## ruff and mypy --strict (sources together; each test tree alone, as their conftest names repeat).
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy
	for dir in $(TEST_DIRS); do $(VENV)/mypy $$dir || exit 1; done
	MYPYPATH=infra/grafana $(VENV)/mypy infra/grafana  # generator scripts import their siblings by plain name
	$(VENV)/mypy infra/kibana

format: setup
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

up: setup  ## Keep the stack running for exploration (`make down` stops it).
	$(VENV)/llmops up --run-dir $(RUN_DIR)

down:
	$(VENV)/llmops down --run-dir $(RUN_DIR)

status:
	$(VENV)/llmops status --run-dir $(RUN_DIR)

bench: setup  ## Benchmarks (not part of the tests); one: make bench BENCH=gateway
	$(VENV)/python -m bench $(BENCH)

eval-guardrails: setup  ## Score the guardrails chains on their labelled set (development and held-out parts).
	$(VENV)/llmops guardrails eval --dataset services/guardrails/eval/dev.jsonl
	$(VENV)/llmops guardrails eval --dataset services/guardrails/eval/heldout.jsonl
eval-drift: setup  ## Drift detection accuracy on synthetic streams with designed shifts (table).
	$(VENV)/llmops drift eval

clean: down
	rm -rf $(RUN_DIR)
