# segcore: `make demo` runs the main job on bundled data; `make test` runs every test there is.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV    := $(CURDIR)/.venv
PY      := $(VENV)/bin/python
CARGO   ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: demo test test-rust test-python test-node test-examples lint bench venv python-dev node-build clean

demo:
	$(CARGO) run --release -p segcore-examples --bin demo -- --out out

test: lint test-rust test-python test-node test-examples
	@echo "make test: all suites passed"

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test -p segcore --all-targets
	$(CARGO) test -p segcore --doc

# --- Python binding: venv made here, wheel built by maturin ---------------------------
$(VENV)/.ok: bindings-python/requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r bindings-python/requirements-dev.txt
	touch $@

venv: $(VENV)/.ok

python-dev: $(VENV)/.ok
	cd bindings-python && VIRTUAL_ENV=$(VENV) PATH=$(VENV)/bin:$$PATH maturin develop --release -q

test-python: python-dev
	cd bindings-python && $(PY) -m pytest -q tests
	cd bindings-python && $(PY) -m pytest -q --doctest-modules python/segcore
	$(PY) -m mypy --strict --cache-dir target/mypy-cache examples/python/quickstart.py bindings-python/tests/typed_helpers.py
	$(PY) examples/python/quickstart.py

# --- Node binding: npm install + @napi-rs/cli build -----------------------------------
node-build:
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error && npm run build

test-node: node-build
	cd bindings-node && npm test
	cd bindings-node && npm run pack-test

# --- Examples: Rust example crate, notebook, Node service -----------------------------
test-examples: python-dev node-build
	$(CARGO) run --release -p segcore-examples --bin demo -- --out target/demo-check --quick
	$(CARGO) run --release -p segcore-examples --bin quickstart
	bash tools/report-check/run.sh target/demo-check/report.html target/demo-check/report.png
	# privacy: with a key, every customer output carries pseudonyms and no raw id
	SEGCORE_PSEUDONYMISE_KEY=make-test $(CARGO) run --release -p segcore-examples --bin demo -- --out target/demo-private --quick
	head -1 target/demo-private/shop_customers.csv | grep -q '^customer_pseudonym,'
	! grep -q '^C0' target/demo-private/shop_customers.csv
	@if [ -x examples/run-examples.sh ]; then VENV=$(VENV) bash examples/run-examples.sh; fi
	cd examples/node-service && npm install --offline --no-audit --no-fund --loglevel=error && npm test

bench:
	@if [ -x benches/run.sh ]; then bash benches/run.sh; else echo "no benches yet"; fi

clean:
	$(CARGO) clean
	rm -rf $(VENV) out bindings-node/node_modules
