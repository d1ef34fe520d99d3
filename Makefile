# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Each creates .venv and installs what it needs by itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-python test-vscode test-web bench bench-lsp bench-jit clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/hcvm run examples/tour.hc
	@echo
	@echo "── hcvm check examples/mistakes.hc: how HyperCode explains mistakes ──"
	@$(VENV)/bin/hcvm check examples/mistakes.hc || true

test: test-python test-vscode test-web

test-python: $(STAMP)
	$(PY) -m pytest tests

test-vscode:
	$(MAKE) -C vscode-extension test

test-web: $(STAMP)
	$(MAKE) -C editor_web test

bench: $(STAMP)
	$(PY) bench/run.py

bench-lsp: $(STAMP)
	$(PY) bench/lsp_latency.py

bench-jit: $(STAMP)
	$(PY) bench/jit/run.py --vm --write

clean:
	rm -rf $(VENV) build *.egg-info
