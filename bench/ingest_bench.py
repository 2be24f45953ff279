"""``make bench``: ingest throughput and memory on the shared corpus and examples.

Reads every input once (detection, decoding, chrome removal or trafilatura), then
stores the
documents ``--repeat`` times into a fresh SQLite store, each pass appending a line so every copy is
a new document that the MinHash LSH index must link to its near-copies; reports documents and words
per second and the peak resident memory. Writes ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from newsledger.config import Limits
from newsledger.ingest import expand, read
from newsledger.ingest.document import document_id
from newsledger.pipeline import link, load_index
from newsledger.store import Store

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    inputs = expand([str(HERE.parent / "examples"), str(args.shared / "corpus")])
    started = time.perf_counter()
    documents = [d for d in read(inputs, Limits()) if not hasattr(d, "code")]
    read_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        store = Store(str(Path(folder) / "bench.db"))
        index = load_index(store)
        started = time.perf_counter()
        stored = words = 0
        for copy in range(args.repeat):
            for document in documents:
                body = f"{document.body}\n\nBench copy {copy}."
                varied = replace(document, body=body, id=document_id(body))
                linked, sig, relinked = link(index, varied)
                store.add(linked, sig.to_bytes(), sig.shingles, relinked)
                stored += 1
                words += len(body.split())
        store_seconds = time.perf_counter() - started
        size = (Path(folder) / "bench.db").stat().st_size
        store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "read": {
            "docs": len(documents),
            "seconds": round(read_seconds, 3),
            "docs_per_s": round(len(documents) / read_seconds, 1),
        },
        "link_and_store": {
            "docs": stored,
            "seconds": round(store_seconds, 3),
            "docs_per_s": round(stored / store_seconds, 1),
            "words_per_s": round(words / store_seconds, 1),
            "store_bytes": size,
        },
        "peak_rss_mb": round(peak_mb, 1),
    }
    out = HERE / "results" / "latest.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"read (detect, decode, chrome/trafilatura): {result['read']}")
    print(f"near-duplicate linking + store:            {result['link_and_store']}")
    print(f"peak RSS: {result['peak_rss_mb']} MB; written {out}")


if __name__ == "__main__":
    main()
