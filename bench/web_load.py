"""``make bench``: latency of the web app under load, on a store of 5,000 documents.

Builds (once, then reuses) a store from the shared corpus and ``examples/`` cycled to
``--docs`` documents (each copy gets a line of its own, so it is a new document that the copy
detector links to its origin), starts ``newsledger serve`` on loopback in its own process, and
drives it from another process with a fixed number of requests at a fixed concurrency: the story
page of the largest story and the search API. Prints requests per second and p50/p95/p99
latency, and merges them into ``bench/results/latest.json`` under ``"web"``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "latest.json"


def build_store(shared: Path, db: Path, size: int) -> None:
    """A store of ``size`` documents, ingested with the CLI's own pipeline (two workers)."""
    from newsledger.config import Limits
    from newsledger.ingest import expand, read
    from newsledger.model import Document
    from newsledger.pipeline import ingest
    from newsledger.store import Store

    inputs = expand([str(HERE.parent / "examples"), str(shared / "corpus")])
    originals = [d for d in read(inputs, Limits()) if isinstance(d, Document)]
    with tempfile.TemporaryDirectory() as folder:
        for n in range(size):
            d = originals[n % len(originals)]
            header = (
                f"TITLE: {d.title or 'untitled'}\nDATE: {d.published.value or 'unknown'}\n---\n"
            )
            path = Path(folder) / f"{n:05d}.txt"
            path.write_text(f"{header}{d.body}\n\nBench copy {n} of the load test.\n")
        store = Store(str(db))
        ingest(store, expand([folder]), Limits(), workers=2)
        store.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(client: httpx.Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    response.raise_for_status()
    return time.perf_counter() - started


def load(url: str, requests: int, concurrency: int, queue: Any) -> None:
    """The load generator, run in its own process: ``requests`` GETs, ``concurrency`` at once."""
    with httpx.Client(timeout=60) as client:
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            times = list(pool.map(lambda _: _get(client, url), range(requests)))
        wall = time.perf_counter() - started
    cuts = statistics.quantiles(times, n=100)
    queue.put(
        {
            "requests": requests,
            "concurrency": concurrency,
            "requests_per_s": round(requests / wall, 1),
            "p50_ms": round(cuts[49] * 1000, 1),
            "p95_ms": round(cuts[94] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1),
        }
    )


def measure(url: str, requests: int, concurrency: int) -> dict[str, Any]:
    queue: Any = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(
        target=load, args=(url, requests, concurrency, queue)
    )
    process.start()
    result: dict[str, Any] = queue.get(timeout=600)
    process.join()
    return result


def _timed_get(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    status = httpx.get(url, timeout=900).status_code
    return time.perf_counter() - started, status


def _wait(base: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/stories?limit=1", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--db", type=Path, default=HERE / "results" / "web-load.db")
    args = parser.parse_args()
    if not args.db.exists():
        build_store(args.shared, args.db, args.docs)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "newsledger.cli", "serve", "--db", str(args.db)]
    server = subprocess.Popen([*command, "--port", str(port)], stdout=subprocess.DEVNULL)  # noqa: S603
    try:
        _wait(base)
        stories = httpx.get(base + "/api/stories?limit=100", timeout=60).json()["items"]
        story = max(stories, key=lambda s: s["document_count"])
        # The first request builds the story's briefing from the stored state; later ones are
        # served from the app's cache until the store changes. Timed apart from the load.
        first, _ = _timed_get(f"{base}/stories/{story['id']}")
        results = {
            "store_documents": args.docs,
            "story_documents": story["document_count"],
            "first_story_page_s": round(first, 1),
            "story_page": measure(f"{base}/stories/{story['id']}", args.requests, args.concurrency),
            "search_api": measure(f"{base}/api/search?q=troops", args.requests, args.concurrency),
        }
    finally:
        server.terminate()
        server.wait()
    print(json.dumps(results, indent=2))
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    merged["web"] = results
    RESULTS.write_text(json.dumps(merged, indent=2) + "\n")


if __name__ == "__main__":
    main()
