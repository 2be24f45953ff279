"""Where the writer's memory goes as a store grows: RSS, and Python allocations by site.

The scale issue asks for memory that stays flat however large the input. Extraction runs in
worker processes here (``workers=2``), so the process measured is the writer alone: reading,
copy detection, the store and reconcile. The corpus is ingested twice, into fresh stores:

1. plain: every ``--every`` documents placed, the writer's resident memory (after a collection);
2. under ``tracemalloc``: the Python memory traced at the same points, and at the end the
   allocation sites that grew most between the first sample and the last, so a reader sees what
   a flat writer would have to move out of memory. ``tracemalloc`` keeps a record per block and
   slows the writer, so this pass's own RSS and seconds are not reported.

    python bench/writer_memory.py --docs 2400 --every 400 [--shared ../shared]

Writes ``bench/results/writer-memory.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

import corpus
from newsledger import pipeline
from newsledger.config import Limits
from newsledger.model import Extraction
from newsledger.store import Store

RESULTS = Path(__file__).resolve().parent / "results" / "writer-memory.json"
#: Frames kept per allocation: enough to name the caller in our code, not only the dict insert.
FRAMES = 6
#: Allocation sites listed at the end.
TOP = 12


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


class _Sampler:
    """Wraps ``Ledger.place`` to sample memory every ``every`` documents placed."""

    def __init__(self, every: int, traced: bool) -> None:
        self.every = every
        self.traced = traced
        self.placed = 0
        self.samples: list[dict[str, float]] = []
        self.first: tracemalloc.Snapshot | None = None
        self.last: tracemalloc.Snapshot | None = None

    def install(self) -> None:
        place = _PLACE

        def sampled(ledger: pipeline.Ledger, extraction: Extraction) -> str:
            self.placed += 1
            if self.placed % self.every == 0:
                self.sample()
            return place(ledger, extraction)

        pipeline.Ledger.place = sampled  # type: ignore[method-assign,assignment]

    def sample(self) -> None:
        gc.collect()
        if not self.traced:
            self.samples.append({"placed": self.placed, "rss_mb": round(_rss_mb(), 1)})
            return
        traced, _ = tracemalloc.get_traced_memory()
        self.samples.append({"placed": self.placed, "traced_mb": round(traced / 2**20, 1)})
        snapshot = tracemalloc.take_snapshot()
        self.first = self.first or snapshot
        self.last = snapshot


_PLACE = pipeline.Ledger.place


def _ingest(files: list[str], work: Path, sampler: _Sampler) -> None:
    sampler.install()
    if sampler.traced:
        tracemalloc.start(FRAMES)
    store = Store(f"sqlite:///{work / ('traced.db' if sampler.traced else 'plain.db')}")
    try:
        pipeline.ingest(store, files, Limits(), workers=2)
    finally:
        store.close()
        tracemalloc.stop()
        pipeline.Ledger.place = _PLACE  # type: ignore[method-assign]


def _per_doc(samples: list[dict[str, float]], key: str) -> float:
    first, last = samples[0], samples[-1]
    return round((last[key] - first[key]) * 1024 / (last["placed"] - first["placed"]), 1)


def _growth(first: tracemalloc.Snapshot, last: tracemalloc.Snapshot) -> list[dict[str, Any]]:
    ours = [f for f in last.compare_to(first, "traceback") if f.size_diff > 0][:TOP]
    return [
        {
            "mb": round(stat.size_diff / 2**20, 2),
            "blocks": stat.count_diff,
            "at": [
                f"{frame.filename.split('/src/')[-1]}:{frame.lineno}" for frame in stat.traceback
            ],
        }
        for stat in ours
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2400)
    parser.add_argument("--every", type=int, default=400)
    parser.add_argument("--shared", type=Path, default=corpus.DEFAULT_SHARED)
    args = parser.parse_args()
    plain, traced = _Sampler(args.every, traced=False), _Sampler(args.every, traced=True)
    with tempfile.TemporaryDirectory() as work:
        folder = corpus.build(Path(work) / "corpus", args.docs, shared=args.shared)
        files = sorted(str(p) for p in folder.rglob("*") if p.is_file())
        for sampler in (plain, traced):
            _ingest(files, Path(work), sampler)
    result = {
        "docs": args.docs,
        "rss": plain.samples,
        "traced": traced.samples,
        "kb_per_doc": {
            "rss": _per_doc(plain.samples, "rss_mb"),
            "traced": _per_doc(traced.samples, "traced_mb"),
        },
        "growth": _growth(traced.first, traced.last) if traced.first and traced.last else [],
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    for a, b in zip(plain.samples, traced.samples, strict=True):
        print(
            f"{a['placed']:>6} placed  RSS {a['rss_mb']:7.1f} MB  traced {b['traced_mb']:6.1f} MB"
        )
    per_doc = result["kb_per_doc"]
    print(f"growth per document: RSS {per_doc['rss']} KB, traced {per_doc['traced']} KB")
    for site in result["growth"]:
        print(f"  +{site['mb']:5.2f} MB  {site['at'][-1]}  (from {site['at'][0]})")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
