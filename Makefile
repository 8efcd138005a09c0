# stackadvisor: `make run` sets everything up and serves the web UI; `make test` runs the whole suite.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
EXTRAS  ?= dev,local
PORT    ?= 7860
# llama-cpp-python (the [local] extra) builds from source. A native build uses every instruction the build
# machine has (AMX, AVX-512), which some sandboxes and VMs do not allow at run time ("Illegal instruction"):
# build a portable AVX2 binary instead. pip's wheel cache ignores CMAKE_ARGS; `pip cache remove llama_cpp_python`
# clears a native wheel built earlier.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: install index run test test-fast eval bench clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install stackadvisor with its test extras

index: install  ## build the built-in index (a no-op when it is up to date)
	$(BIN)/stackadvisor ingest

run: index  ## set up, build the index and serve the web UI on http://127.0.0.1:$(PORT)
	GRADIO_ANALYTICS_ENABLED=False $(BIN)/stackadvisor serve --port $(PORT)

test: install  ## the whole test suite, then the offline eval as a gate
	$(BIN)/python -m pytest
	$(BIN)/stackadvisor eval --report out/eval

test-fast: install  ## the suite without the LLM and browser tests
	$(BIN)/python -m pytest -m "not llm and not browser"

eval: install  ## the offline eval, report in out/eval
	$(BIN)/stackadvisor eval --report out/eval

bench: install  ## the benchmark suite (ratios against named baselines)
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[$(EXTRAS),bench]'
	$(BIN)/python -m bench

clean:  ## remove the venv and build outputs (not your data home)
	rm -rf $(VENV) out build dist *.egg-info
