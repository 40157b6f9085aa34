# tripmesh: `make run` brings the mesh up; `make test` checks and tests everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PROTO_FILES := $(wildcard protos/tripmesh/v1/*.proto)
PROTOC := $(BIN)/python -m grpc_tools.protoc -Iprotos -Ithird_party \
	--plugin=protoc-gen-mypy_grpc=$(BIN)/protoc-gen-mypy_grpc

.PHONY: venv run test pytest check lint protos protos-check buf-breaking consul chromium promtool bench bench-mtls chaos k8s clean

## venv: the virtual environment with tripmesh and its tools (pinned by constraints.txt)
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@
# `tripmesh up` runs the services with python -OO (services/supervisor.py): their bytecode
# too, compiled once here, or each process would compile its libraries at every start
# where no cache can be written (PYTHONDONTWRITEBYTECODE, a read-only tree).
OPT2_STAMP := $(VENV)/.optimized-stamp
$(OPT2_STAMP): $(STAMP)
	$(BIN)/python -m compileall -qq -o 2 $(VENV)/lib services gateway registry tripmesh_retry protos/tripmesh || true
	touch $@
venv: $(STAMP) $(OPT2_STAMP)

## run: every service and the gateway on localhost, until Ctrl-C
run: venv
	$(BIN)/tripmesh up

## test: what CI runs: the checks, then the whole suite (with a real Consul when it can be had)
test: venv
	@# A Consul that cannot be fetched skips its tests, but fails CI (TRIPMESH_REQUIRE_INFRA=1).
	@$(MAKE) --no-print-directory consul || [ "$$TRIPMESH_REQUIRE_INFRA" != 1 ]
	@# The same for the browser tests' Chromium and for Prometheus' promtool.
	@$(MAKE) --no-print-directory chromium || [ "$$TRIPMESH_REQUIRE_INFRA" != 1 ]
	@$(MAKE) --no-print-directory promtool || [ "$$TRIPMESH_REQUIRE_INFRA" != 1 ]
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory pytest

pytest: venv
	$(BIN)/pytest

## check / lint: ruff, mypy, import layers, buf lint and breaking, generated code up to date, hadolint
check lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/buf lint
	$(MAKE) --no-print-directory buf-breaking
	$(MAKE) --no-print-directory protos-check
	$(BIN)/hadolint Dockerfile

buf-breaking: venv
	@# Against the previous commit on main (BUF_AGAINST to choose another ref, e.g. a tag):
	@# comparing main with itself could never fail.
	@against="$${BUF_AGAINST:-HEAD~1}"; \
	if git rev-parse --verify --quiet "$$against^{commit}" >/dev/null; then \
		echo "buf breaking against $$against"; \
		$(BIN)/buf breaking --against ".git#ref=$$(git rev-parse $$against)"; \
	else echo "buf breaking: no commit $$against to compare against, skipped"; fi

## protos: regenerate tripmesh.v1 (messages, .pyi, gRPC stubs with types) beside the .proto files,
## and the descriptor set with the comments (source info) that reflection and the OpenAPI serve
DESCRIPTORS := tripmesh/v1/descriptors.binpb
protos: venv
	$(PROTOC) --python_out=protos --pyi_out=protos --grpc_python_out=protos \
		--mypy_grpc_out=protos $(PROTO_FILES)
	$(PROTOC) --include_imports --include_source_info \
		--descriptor_set_out=protos/$(DESCRIPTORS) $(PROTO_FILES)

## protos-check: fails when the committed generated code and the .proto files disagree
protos-check: venv
	@tmp=$$(mktemp -d) && \
	$(PROTOC) --python_out=$$tmp --pyi_out=$$tmp --grpc_python_out=$$tmp \
		--mypy_grpc_out=$$tmp $(PROTO_FILES) && \
	$(PROTOC) --include_imports --include_source_info \
		--descriptor_set_out=$$tmp/$(DESCRIPTORS) $(PROTO_FILES) && \
	for f in $$tmp/tripmesh/v1/*; do \
		cmp -s $$f protos/tripmesh/v1/$$(basename $$f) || \
			{ echo "protos-check: $$(basename $$f) is stale: run 'make protos'"; rm -rf $$tmp; exit 1; }; \
	done; rm -rf $$tmp; echo "protos-check: generated code is up to date"

## consul: Debian bullseye's consul 1.8.7 into .cache/consul (private apt state)
consul:
	bash tests/support/consul/fetch.sh

## promtool: Debian bookworm's prometheus (promtool, prometheus) into .cache/prometheus
promtool:
	bash tests/support/prometheus/fetch.sh

## chromium: Debian's chromium and chromium-driver for the browser tests (apt-get, as root)
chromium:
	bash tests/support/browser/install.sh

## bench: figures for the offline engine, the gateway, the critical path, memory and shared state (prints, asserts nothing)
bench: venv
	$(BIN)/python bench/offline_bench.py
	$(BIN)/python bench/gateway_bench.py
	$(BIN)/python bench/state_bench.py
	$(BIN)/python bench/bounds_bench.py

## bench-mtls: what mTLS and the identity checks cost a trip (prints, asserts nothing)
bench-mtls: venv
	$(BIN)/python bench/mtls_bench.py

## chaos: fault scenarios on real processes (overload, frozen and killed replicas, a failing
## backend, a soak of MINUTES, default 5); prints a table, asserts nothing
MINUTES ?= 5
chaos: venv
	$(BIN)/python bench/chaos.py --minutes $(MINUTES)

## k8s: render every overlay
k8s:
	for overlay in k8s/overlays/*; do kubectl kustomize $$overlay >/dev/null && echo "$$overlay ok"; done

clean:
	rm -rf $(VENV) .tripmesh .cache .pytest_cache .mypy_cache .ruff_cache
