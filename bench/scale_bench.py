"""``make bench`` / ``make bench-quick``: the whole pipeline at scale, against bare spaCy.

For each corpus size (``--sizes``, or ``$BENCH_SIZES``; ``--quick``: a few hundred documents) a
corpus is generated into a temporary folder (``bench/corpus.py``: recombined, renamed, re-dated
articles, so copy detection does not collapse them), then:

1. **ingest** (read, copy detection, extraction, store, reconcile) runs as the real command,
   ``newsledger ingest --json``, once per engine: local with 1 and 2 workers, Dask with 2
   (``--engines``). Each run is a child process whose whole tree (workers included) is sampled
   for resident memory every 0.1 s with psutil; the command's JSON report gives the seconds of
   each stage and the words stored.
2. **brief** runs as ``newsledger brief --format json`` on the single-worker store.
3. **peer**: a child process reads the same files and runs bare ``nlp.pipe`` of the same spaCy
   model (``newsledger.extract.nlp.model_name``) over their bodies: what parsing alone costs.
4. The stores of every engine are compared with the single-worker one
   (``newsledger.store.fingerprint``: documents, extractions, story membership, and the
   reconcile state that holds the stories' facts and timelines).
5. **reconcile growth**: the single-worker store's extractions, varied
   (``bench/reconcile_bench.py``), are reconciled at ``--reconcile-sizes`` documents, each size
   in a fresh child process (its own peak memory); the growth exponent is the least-squares
   slope of log(seconds) against log(documents). The full bench also fits it to ingest times.

Results are merged into ``bench/results/latest.json`` (other keys are kept) under ``"scale"``,
with the issue's summary keys (``docs``, ``runs``, ``peer``, ``dask_matches_local``,
``reconcile``, ``growth_exponent``) at the top level, and printed as tables. Documents and
corpora are streamed (generated one file at a time, read one input at a time), never held
together in the bench process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import pickle
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # (no stubs pinned; a dependency of distributed)
from rich.console import Console
from rich.table import Table

import corpus
import reconcile_bench

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "latest.json"
BIN = Path(sys.executable).parent
FULL_SIZES = (1000, 10000, 100000)
QUICK_SIZES = (300,)
RECONCILE_SIZES = (1000, 5000, 20000)
ONE_STORY_SIZES = (50, 100, 200)
ENGINES = (("local", 1), ("local", 2), ("dask", 2))
BATCH_SIZE = 8  # the pipeline's default batch for nlp.pipe; the peer uses the same
SAMPLE_SECONDS = 0.1
#: The issue's targets, checked in the summary.
TARGETS = {
    "pipeline_vs_peer": 0.75,
    "two_workers_vs_one": 1.7,
    "dask_vs_pool": 0.85,
    "growth_exponent": 1.2,
    "peak_rss_mb_per_worker": 700,
}

console = Console(width=max(120, shutil.get_terminal_size().columns))


# --- measuring a process tree ----------------------------------------------------------------


@dataclass
class Measured:
    """A finished child command: wall seconds, peak memory of its tree, its output."""

    seconds: float
    peak_tree_mb: float
    peak_process_mb: float
    processes: int
    stdout: str
    returncode: int


@dataclass
class _Sampler:
    """Polls the resident memory of a process and all its descendants until it exits.

    The tree's figure is the sum of every live process's RSS at one instant (pages shared
    between processes counted in each, so it errs high); ``peak_process`` is the largest single
    process seen, the figure to hold against a per-worker budget.
    """

    pid: int
    peak_tree: int = 0
    peak_process: int = 0
    processes: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.stop.is_set():
            total = 0
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in tree:
                try:
                    rss = process.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total += rss
                self.peak_process = max(self.peak_process, rss)
            self.peak_tree = max(self.peak_tree, total)
            self.processes = max(self.processes, len(tree))
            self.stop.wait(SAMPLE_SECONDS)


def measure(command: Sequence[str], cwd: Path | None = None) -> Measured:
    """Run a command, sampling its process tree's memory; fail loudly if it fails."""
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 (our own commands)
        list(command), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = _Sampler(child.pid)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    stdout, stderr = child.communicate()
    seconds = time.perf_counter() - started
    sampler.stop.set()
    thread.join()
    if child.returncode not in (0, 1):  # ingest exits 1 when some inputs failed
        sys.stderr.write(stderr)
        raise SystemExit(f"failed ({child.returncode}): {' '.join(command)}")
    mb = 1024 * 1024
    return Measured(
        round(seconds, 2),
        round(sampler.peak_tree / mb, 1),
        round(sampler.peak_process / mb, 1),
        sampler.processes,
        stdout,
        child.returncode,
    )


def _rate(count: float, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


def growth_exponent(points: Sequence[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(seconds) against log(documents): 1 is linear."""
    usable = [(math.log(n), math.log(s)) for n, s in points if n > 0 and s > 0]
    if len(usable) < 2:
        return None
    mean_x = sum(x for x, _ in usable) / len(usable)
    mean_y = sum(y for _, y in usable) / len(usable)
    spread = sum((x - mean_x) ** 2 for x, _ in usable)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in usable) / spread
    return round(slope, 3)


# --- one corpus size -------------------------------------------------------------------------


def ingest_run(engine: str, workers: int, corpus_dir: Path, db: Path) -> dict[str, Any]:
    command = [str(BIN / "newsledger"), "ingest", "--db", str(db), "--json"]
    command += ["--workers", str(workers), "--engine", engine, str(corpus_dir)]
    run = measure(command)
    report = json.loads(run.stdout)
    docs, words = int(report["ingested"]), int(report.get("words", 0))
    store_bytes = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    stages = report.get("seconds", {})
    return {
        "engine": engine,
        "workers": workers,
        "docs": docs,
        "words": words,
        "failed": report["failed"],
        "near_duplicate": report["near_duplicate"],
        "seconds": run.seconds,
        "docs_per_s": _rate(docs, run.seconds),
        "words_per_s": _rate(words, run.seconds),
        "peak_rss_mb": run.peak_tree_mb,
        "peak_process_rss_mb": run.peak_process_mb,
        "processes": run.processes,
        "store_mb": round(store_bytes / 1e6, 1),
        "stages": {
            stage: {
                "seconds": seconds,
                "docs_per_s": _rate(docs, seconds),
                "words_per_s": _rate(words, seconds),
            }
            for stage, seconds in stages.items()
        },
    }


def brief_run(db: Path, out: Path, docs: int, words: int) -> dict[str, Any]:
    command = [str(BIN / "newsledger"), "brief", "--db", str(db), "--format", "json"]
    run = measure([*command, "--out", str(out)])
    stories = len(json.loads(out.read_text()).get("stories", [])) if out.exists() else 0
    return {
        "seconds": run.seconds,
        "docs_per_s": _rate(docs, run.seconds),
        "words_per_s": _rate(words, run.seconds),
        "peak_rss_mb": run.peak_tree_mb,
        "stories": stories,
    }


def peer_run(corpus_dir: Path) -> dict[str, Any]:
    run = measure([sys.executable, __file__, "--child", "peer", "--corpus", str(corpus_dir)])
    child = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        "name": "spacy nlp.pipe",
        "model": child["model"],
        "docs": child["docs"],
        "words": child["words"],
        "seconds": run.seconds,
        "docs_per_s": _rate(child["docs"], run.seconds),
        "words_per_s": _rate(child["words"], run.seconds),
        "parse_seconds": child["parse_seconds"],
        "parse_docs_per_s": _rate(child["docs"], child["parse_seconds"]),
        "peak_rss_mb": run.peak_tree_mb,
    }


def _bodies(corpus_dir: Path) -> Iterator[str]:
    """The generated files' bodies: the text under the header block, as a user would feed it."""
    for path in sorted(corpus_dir.rglob("*.txt")):
        yield path.read_text(encoding="utf-8").partition("\n---\n")[2]


def peer_child(corpus_dir: Path) -> dict[str, Any]:
    """Bare ``nlp.pipe`` of the model newsledger loads, as shipped (no components of ours)."""
    import spacy

    from newsledger.extract.nlp import model_name

    nlp = spacy.load(model_name())
    docs = words = 0
    started = time.perf_counter()
    for doc in nlp.pipe(_bodies(corpus_dir), batch_size=BATCH_SIZE):
        docs += 1
        words += len(doc.text.split())
    parse = time.perf_counter() - started
    return {"model": model_name(), "docs": docs, "words": words, "parse_seconds": round(parse, 2)}


def stores_match(reference: Path, other: Path) -> tuple[bool, list[str]]:
    """Whether two stores hold the same, and the tables that differ."""
    from newsledger.store import Store
    from newsledger.store.fingerprint import fingerprint

    found = []
    for db in (reference, other):
        store = Store(str(db))
        found.append(fingerprint(store))
        store.close()
    differ = [table for table in found[0] if found[0][table] != found[1].get(table)]
    return not differ, differ


def corpus_size(size: int, args: argparse.Namespace, work: Path, pool: Path) -> dict[str, Any]:
    """Everything measured on one corpus size; the first size's extractions become ``pool``."""
    folder = work / f"corpus-{size}"
    started = time.perf_counter()
    corpus.build(folder, size, args.seed, args.shared)
    built = time.perf_counter() - started
    console.print(f"[bold]{size} documents[/bold] generated in {built:.1f} s under {folder}")
    runs, dbs = [], {}
    for engine, workers in args.engines:
        db = work / f"{engine}-{workers}-{size}.db"
        console.print(f"  ingest --engine {engine} --workers {workers} ...")
        runs.append(ingest_run(engine, workers, folder, db))
        dbs[(engine, workers)] = db
    reference = dbs.get(("local", 1)) or next(iter(dbs.values()))
    docs, words = runs[0]["docs"], runs[0]["words"]
    console.print("  brief, peer ...")
    brief = brief_run(reference, work / f"brief-{size}.json", docs, words)
    peer = peer_run(folder)
    matches = {}
    for (engine, workers), db in dbs.items():
        if db != reference:
            same, differ = stores_match(reference, db)
            matches[f"{engine}-{workers}"] = {"same": same, "differ": differ}
    result = {
        "docs": docs,
        "words": words,
        "corpus_seconds": round(built, 1),
        "runs": runs,
        "brief": brief,
        "peer": peer,
        "matches_single_worker": matches,
    }
    if not pool.exists():
        pool_of(reference, pool)
    if not args.keep:  # a 100,000-document store is gigabytes: one size at a time on disk
        shutil.rmtree(folder)
        for db in dbs.values():
            for path in db.parent.glob(db.name + "*"):
                path.unlink()
    return result


def pool_of(db: Path, out: Path) -> None:
    """Pickle the store's extractions for the reconcile children."""
    from newsledger.store import Store

    store = Store(str(db))
    ids = [doc_id for doc_id, _ in store.document_dates()]
    pool = store.extractions(ids)
    store.close()
    out.write_bytes(pickle.dumps([pool[i] for i in ids if i in pool]))


# --- reconcile growth (child processes) ------------------------------------------------------


def reconcile_child(pool_file: Path, shape: str, docs: int) -> dict[str, Any]:
    from newsledger.reconcile import Reconciler

    pool = pickle.loads(pool_file.read_bytes())  # noqa: S301 (our own temp file)
    items = reconcile_bench.archive if shape == "archive" else reconcile_bench.one_story
    reconciler = Reconciler()
    seconds = reconcile_bench.grow(reconciler, items(pool, docs))
    stories, largest = reconcile_bench.story_sizes(reconciler)
    found: dict[str, Any] = {
        "docs": docs,
        "seconds": round(seconds, 2),
        "docs_per_s": _rate(docs, seconds),
        "stories": stories,
        "largest_story": largest,
    }
    if shape == "archive":  # one more, as ``ingest`` of one new file pays it
        extra = next(itertools.islice(items(pool, docs + 1), docs, None))
        found["one_more"] = reconcile_bench.one_more(reconciler, extra)
    return found


def reconcile_growth(pool_file: Path, shape: str, sizes: Sequence[int]) -> list[dict[str, Any]]:
    found = []
    for docs in sizes:
        console.print(f"  reconcile {shape} of {docs} documents ...")
        command = [sys.executable, __file__, "--child", "reconcile", "--pool", str(pool_file)]
        run = measure([*command, "--shape", shape, "--docs", str(docs)])
        result = json.loads(run.stdout.strip().splitlines()[-1])
        found.append({**result, "peak_rss_mb": run.peak_tree_mb})
    return found


# --- summary, tables, results ----------------------------------------------------------------


def _run(runs: Sequence[dict[str, Any]], engine: str, workers: int) -> dict[str, Any] | None:
    return next((r for r in runs if r["engine"] == engine and r["workers"] == workers), None)


def targets(size: dict[str, Any], exponents: dict[str, float | None]) -> dict[str, Any]:
    """Each target of the issue: the measured figure and whether it holds."""
    runs = size["runs"]
    one, two, dask = _run(runs, "local", 1), _run(runs, "local", 2), _run(runs, "dask", 2)
    checks: dict[str, Any] = {}
    if one:
        ratio = one["docs_per_s"] / size["peer"]["docs_per_s"]
        checks["pipeline_vs_peer"] = _check(ratio, TARGETS["pipeline_vs_peer"], at_least=True)
    if one and two:
        ratio = two["docs_per_s"] / one["docs_per_s"]
        checks["two_workers_vs_one"] = _check(ratio, TARGETS["two_workers_vs_one"], at_least=True)
    if two and dask:
        ratio = dask["docs_per_s"] / two["docs_per_s"]
        checks["dask_vs_pool"] = _check(ratio, TARGETS["dask_vs_pool"], at_least=True)
    for name, exponent in exponents.items():
        if exponent is not None and name != "reconcile_one_story":  # the worst case, shown apart
            key = "growth_exponent" if name == "reconcile" else f"growth_exponent {name}"
            checks[key] = _check(exponent, TARGETS["growth_exponent"], at_least=False)
    worst = max(r["peak_process_rss_mb"] for r in runs)
    checks["peak_rss_mb_per_worker"] = _check(
        worst, TARGETS["peak_rss_mb_per_worker"], at_least=False
    )
    return checks


def _check(value: float, target: float, at_least: bool) -> dict[str, Any]:
    holds = value >= target if at_least else value <= target
    return {"value": round(value, 3), "target": target, "holds": holds}


def print_tables(scale: dict[str, Any]) -> None:
    for size in scale["sizes"]:
        table = Table(title=f"ingest of {size['docs']} documents ({size['words']} words)")
        for column in ("engine", "workers", "seconds", "docs/s", "words/s"):
            table.add_column(column, justify="right")
        for column in ("peak RSS tree MB", "largest process MB", "store MB"):
            table.add_column(column, justify="right")
        for r in size["runs"]:
            table.add_row(
                r["engine"],
                str(r["workers"]),
                f"{r['seconds']:.1f}",
                f"{r['docs_per_s']:.1f}",
                f"{r['words_per_s']:.0f}",
                f"{r['peak_rss_mb']:.0f}",
                f"{r['peak_process_rss_mb']:.0f}",
                f"{r['store_mb']:.1f}",
            )
        peer, brief = size["peer"], size["brief"]
        table.add_row(
            "peer: spaCy nlp.pipe",
            "1",
            f"{peer['seconds']:.1f}",
            f"{peer['docs_per_s']:.1f}",
            f"{peer['words_per_s']:.0f}",
            f"{peer['peak_rss_mb']:.0f}",
            "",
            "",
        )
        console.print(table)
        stages = Table(title=f"stages of {size['docs']} documents (seconds, docs/s, words/s)")
        stages.add_column("stage")
        for r in size["runs"]:
            stages.add_column(f"{r['engine']} ×{r['workers']}", justify="right")
        names = list(size["runs"][0]["stages"])
        for stage in names:
            cells = [_stage_cell(r["stages"].get(stage)) for r in size["runs"]]
            stages.add_row(stage, *cells)
        brief_cell = _stage_cell(brief)
        stages.add_row("brief", brief_cell, *["(same store)"] * (len(size["runs"]) - 1))
        console.print(stages)
        for name, match in size["matches_single_worker"].items():
            verdict = "same" if match["same"] else f"DIFFERENT ({', '.join(match['differ'])})"
            console.print(f"store of {name} against local ×1: {verdict}")
    for shape in ("reconcile", "reconcile_one_story"):
        rows = scale.get(shape) or []
        if not rows:
            continue
        table = Table(title=f"{shape}: Reconciler.add on stored extractions, varied")
        for column in ("docs", "seconds", "docs/s", "stories", "largest story", "peak RSS MB"):
            table.add_column(column, justify="right")
        for r in rows:
            table.add_row(
                str(r["docs"]),
                f"{r['seconds']:.2f}",
                f"{r['docs_per_s']:.0f}",
                str(r["stories"]),
                str(r["largest_story"]),
                f"{r['peak_rss_mb']:.0f}",
            )
        console.print(table)
    for name, value in scale["growth_exponents"].items():
        console.print(f"growth exponent, {name}: {value}")
    checks = Table(title="targets")
    for column in ("target", "measured", "needs", "holds"):
        checks.add_column(column)
    for name, check in scale["targets"].items():
        at_most = name.startswith("growth_exponent") or name == "peak_rss_mb_per_worker"
        needs = ("≤ " if at_most else "≥ ") + str(check["target"])
        checks.add_row(name, str(check["value"]), needs, "yes" if check["holds"] else "NO")
    console.print(checks)


def _stage_cell(stage: dict[str, Any] | None) -> str:
    if not stage:
        return ""
    return f"{stage['seconds']:.1f} s, {stage['docs_per_s']:.0f}, {stage['words_per_s']:.0f}"


def summary(scale: dict[str, Any]) -> dict[str, Any]:
    """The issue's top-level keys, from the largest corpus size."""
    size = scale["sizes"][-1]
    keys = ("engine", "workers", "docs_per_s", "words_per_s", "peak_rss_mb")
    runs = [
        {k: r[k] for k in keys} | {"peak_process_rss_mb": r["peak_process_rss_mb"]}
        for r in size["runs"]
    ]
    dask = size["matches_single_worker"].get("dask-2")
    return {
        "docs": size["docs"],
        "runs": runs,
        "peer": {"name": size["peer"]["name"], "docs_per_s": size["peer"]["docs_per_s"]},
        "dask_matches_local": dask["same"] if dask else None,
        "reconcile": [{"docs": r["docs"], "seconds": r["seconds"]} for r in scale["reconcile"]],
        "growth_exponent": scale["growth_exponents"].get("reconcile"),
    }


#: Keys of the scripts this bench replaced (ingest_bench.py, extract_bench.py): now measured
#: here, per stage, so they would only be stale.
STALE_KEYS = ("read", "link_and_store", "peak_rss_mb", "extract")


def write_results(scale: dict[str, Any]) -> None:
    """Merge into the shared results file: the issue's keys and ``scale``; others are kept."""
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for key in STALE_KEYS:
        merged.pop(key, None)
    merged.update(summary(scale))
    merged["scale"] = scale
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(merged, indent=2) + "\n")
    console.print(f"written {RESULTS}")


# --- main --------------------------------------------------------------------------------------


def _sizes(text: str | None, default: Sequence[int]) -> list[int]:
    if not text:
        return list(default)
    return [int(part) for part in text.replace(" ", "").split(",") if part]


def _engines(text: str | None) -> list[tuple[str, int]]:
    if not text:
        return list(ENGINES)
    found = []
    for part in text.split(","):
        engine, _, workers = part.strip().partition(":")
        found.append((engine, int(workers or 1)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=corpus.DEFAULT_SHARED)
    parser.add_argument("--quick", action="store_true", help="a few hundred documents")
    parser.add_argument("--sizes", help="corpus sizes, comma-separated (or $BENCH_SIZES)")
    parser.add_argument("--reconcile-sizes", help="default 1000,5000,20000")
    parser.add_argument("--one-story-sizes", help="default 50,100,200")
    parser.add_argument("--engines", help="engine:workers, comma-separated; default all three")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the corpora and stores")
    parser.add_argument("--child", choices=["peer", "reconcile"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pool", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--shape", default="archive", help=argparse.SUPPRESS)
    parser.add_argument("--docs", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "peer":
        print(json.dumps(peer_child(args.corpus)))
        return
    if args.child == "reconcile":
        print(json.dumps(reconcile_child(args.pool, args.shape, args.docs)))
        return
    default = QUICK_SIZES if args.quick else FULL_SIZES
    sizes = _sizes(args.sizes or (None if args.quick else os.environ.get("BENCH_SIZES")), default)
    reconcile_sizes = _sizes(args.reconcile_sizes, RECONCILE_SIZES)
    args.engines = _engines(args.engines or os.environ.get("BENCH_ENGINES"))
    args.shared = args.shared.resolve()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="newsledger-bench-"))
    try:
        pool_file = work / "pool.pickle"
        results = [corpus_size(size, args, work, pool_file) for size in sizes]
        pooled = results[0]["docs"]
        console.print(f"[bold]reconcile growth[/bold] on {pooled} stored extractions, varied")
        reconcile = reconcile_growth(pool_file, "archive", reconcile_sizes)
        one_story_sizes = _sizes(args.one_story_sizes, ONE_STORY_SIZES)
        one_story = reconcile_growth(pool_file, "one_story", one_story_sizes)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    exponents = {
        "reconcile": growth_exponent([(r["docs"], r["seconds"]) for r in reconcile]),
        "reconcile_one_story": growth_exponent([(r["docs"], r["seconds"]) for r in one_story]),
    }
    if len(results) > 1:
        for engine, workers in args.engines:
            points = []
            for size in results:
                run = _run(size["runs"], engine, workers)
                if run:
                    points.append((run["docs"], run["seconds"]))
            exponents[f"ingest {engine} ×{workers}"] = growth_exponent(points)
    scale: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "memory_sampling": "psutil RSS of the command and all its descendants every 0.1 s; "
        "tree = sum at one instant (shared pages counted per process), process = largest one",
        "sizes": results,
        "reconcile": reconcile,
        "reconcile_one_story": one_story,
        "growth_exponents": exponents,
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
    scale["targets"] = targets(results[-1], exponents)
    print_tables(scale)
    write_results(scale)


if __name__ == "__main__":
    main()
