"""``make bench``: extraction speed and memory beside bare spaCy parsing of the same texts.

The shared corpus and ``examples/`` are read once and replicated to ``--docs`` documents. Two
child processes then run on the same texts, one after the other, so each has its own peak
memory: ``bare`` runs ``nlp.pipe`` of the plain spaCy model as shipped; ``extract`` runs
newsledger's whole extract stage (the parse with our components, then entities, dates, places,
figures and attribution). The ratio of their times is what our own code costs on top of
parsing. Results are merged into ``bench/results/latest.json`` under ``"extract"``.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "latest.json"


def corpus(shared: Path, size: int) -> list[Any]:
    """``size`` documents cycled from the shared corpus and the examples."""
    from newsledger.config import Limits
    from newsledger.ingest import expand, read
    from newsledger.model import Document

    inputs = expand([str(HERE.parent / "examples"), str(shared / "corpus")])
    documents = [d for d in read(inputs, Limits()) if isinstance(d, Document)]
    return [documents[i % len(documents)] for i in range(size)]


def run_child(mode: str, documents_file: Path, batch_size: int) -> dict[str, Any]:
    """Time one mode in a fresh process, so its peak memory is its own."""
    import spacy

    from newsledger.extract.claims import extract_many
    from newsledger.extract.nlp import get_nlp, model_name

    documents = pickle.loads(documents_file.read_bytes())  # noqa: S301 (our own temp file)
    nlp = spacy.load(model_name()) if mode == "bare" else get_nlp()
    nlp("warm up the pipeline.")
    started = time.perf_counter()
    items = 0
    if mode == "bare":
        for doc in nlp.pipe((d.body for d in documents), batch_size=batch_size):
            items += len(doc)
    else:
        for extraction in extract_many(documents, batch_size=batch_size):
            items += len(extraction.claims)
    seconds = time.perf_counter() - started
    words = sum(len(d.body.split()) for d in documents)
    return {
        "docs": len(documents),
        "seconds": round(seconds, 2),
        "docs_per_s": round(len(documents) / seconds, 1),
        "words_per_s": round(words / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "items": items,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--child", choices=["bare", "extract"], help=argparse.SUPPRESS)
    parser.add_argument("--documents", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.documents, args.batch_size)))
        return
    with tempfile.TemporaryDirectory() as folder:
        documents_file = Path(folder) / "documents.pickle"
        documents_file.write_bytes(pickle.dumps(corpus(args.shared, args.docs)))
        modes = ("bare", "extract")
        results = {mode: _spawn(mode, documents_file, args.batch_size) for mode in modes}
    results["time_ratio"] = round(results["extract"]["seconds"] / results["bare"]["seconds"], 3)
    _print(results)
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    merged["extract"] = results
    RESULTS.write_text(json.dumps(merged, indent=2) + "\n")


def _spawn(mode: str, documents_file: Path, batch_size: int) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--documents",
        str(documents_file),
        "--batch-size",
        str(batch_size),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _print(results: dict[str, Any]) -> None:
    print(f"{'mode':<8} {'docs':>6} {'seconds':>8} {'docs/s':>8} {'words/s':>9} {'peak MB':>8}")
    for mode in ("bare", "extract"):
        r = results[mode]
        print(
            f"{mode:<8} {r['docs']:>6} {r['seconds']:>8} {r['docs_per_s']:>8} "
            f"{r['words_per_s']:>9} {r['peak_rss_mb']:>8}"
        )
    print(f"extract / bare time: {results['time_ratio']} (target <= 1.3)")


if __name__ == "__main__":
    main()
