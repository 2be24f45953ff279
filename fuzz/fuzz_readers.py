"""Coverage-guided fuzzing of the input readers with atheris (libFuzzer for Python).

One target per reader, chosen by the first argument; the rest goes to libFuzzer:

    .venv/bin/python fuzz/fuzz_readers.py html -max_total_time=60 fuzz/out/corpus/html
    .venv/bin/python fuzz/fuzz_readers.py --run 60 text html jsonl feed warc gzip   # make fuzz

Each target feeds the bytes libFuzzer makes to one reader and lets only the exceptions the
readers promise through: ``InputError`` (a bad input, which ``read_one`` turns into a Failure).
Anything else (an ``IndexError`` in a parser, a ``UnicodeEncodeError`` on a lone surrogate) is
a crash: libFuzzer stops, writes the input under ``fuzz/out/`` and exits non-zero. An input
that takes longer than ``-timeout`` seconds counts as a crash too, so hangs are found as well.

Why this beside the hypothesis properties: libFuzzer mutates towards new branches of our
code (only ``newsledger`` is instrumented), so it reaches byte-level corners a strategy written
by hand does not. ``--run`` starts every target in its own process (libFuzzer runs once per
process), with seeds made from invented articles, and sums up seconds and crashes.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "out"

TARGETS = ("text", "html", "jsonl", "feed", "warc", "gzip")
#: All targets in one process, the first byte choosing which: one start-up (importing the
#: parsers and instrumenting takes seconds) for a short run of all of them, as in CI.
ALL = "all"


def _targets() -> dict[str, Callable[[bytes], None]]:
    """The readers, imported under atheris's instrumentation (our code only: coverage of the
    parsers we call would cost time and guide nothing we can fix)."""
    import atheris

    with atheris.instrument_imports(include=["newsledger"]):
        from newsledger.config import Limits
        from newsledger.errors import InputError
        from newsledger.ingest import chrome, raw, read_bytes
        from newsledger.ingest.detect import detect
        from newsledger.ingest.feeds import read_feed
        from newsledger.ingest.html import read_html
        from newsledger.ingest.jsonl import read_jsonl
        from newsledger.ingest.text import read_text
        from newsledger.ingest.warc import read_warc
        from newsledger.model import Document, Failure, Provenance

    # No time budget: libFuzzer owns SIGALRM (its -timeout), and finds slow inputs itself.
    limits = Limits(document_seconds=None, max_decompressed_size=16 << 20)

    def provenance(kind: str) -> Provenance:
        return Provenance(input="fuzz", format=kind)  # type: ignore[arg-type]

    def text_of(data: bytes) -> str:
        return data.decode("utf-8", "surrogateescape").encode("utf-8", "replace").decode()

    def results(found: object) -> None:
        for item in found:  # type: ignore[attr-defined]
            assert isinstance(item, Document | Failure), item
            if isinstance(item, Document):
                item.body.encode("utf-8")  # storable

    def text(data: bytes) -> None:
        page = text_of(data)
        chrome.classify(page)
        with contextlib.suppress(InputError):
            results([read_text(page, provenance("text"))])

    def html(data: bytes) -> None:
        with contextlib.suppress(InputError):
            results([read_html(text_of(data), provenance("html"), limits)])

    def jsonl(data: bytes) -> None:
        results(read_jsonl(text_of(data), provenance("jsonl"), limits))  # raises nothing

    def feed(data: bytes) -> None:
        with contextlib.suppress(InputError):
            results(read_feed(data, provenance("feed"), limits))

    def warc(data: bytes) -> None:
        results(read_warc(b"WARC/1.0\r\n" + data, provenance("warc"), limits))

    def gzip_detect(data: bytes) -> None:
        """Decompression, wide-text detection, format detection and dispatch: ``read_bytes``."""
        raw.gunzip_members(data, limits)
        detect(data, "fuzz.txt")
        for candidate in (data, raw.GZIP_MAGIC + data):
            with contextlib.suppress(InputError):
                results(read_bytes(candidate, "fuzz.gz", limits))

    chosen = {
        "text": text,
        "html": html,
        "jsonl": jsonl,
        "feed": feed,
        "warc": warc,
        "gzip": gzip_detect,
    }
    functions = [chosen[name] for name in TARGETS]

    def every(data: bytes) -> None:
        if data:
            functions[data[0] % len(functions)](data[1:])

    return {**chosen, ALL: every}


def seeds(target: str) -> list[bytes]:
    """A few valid inputs for the target, from the invented articles of the hostile tests."""
    if target == ALL:
        return [bytes([n]) + seed for n, name in enumerate(TARGETS) for seed in seeds(name)]
    sys.path.insert(0, str(ROOT / "tests"))
    from hostile_inputs import article, html_page, rss, warc

    body = article(1)
    page = html_page(article(2), "Seed page")
    if target == "text":
        header = "URL: https://gazette.example/a-b-c\nTITLE: Seed\n---\n"
        return [f"{header}{body}\n".encode(), b"Share\n"]
    if target == "html":
        return [page.encode(), b"<p>" + body.encode() + b"</p>"]
    if target == "jsonl":
        return [(json.dumps({"text": body}) + "\n" + json.dumps({"html": page}) + "\n").encode()]
    if target == "feed":
        return [rss([("Seed", body)]).encode()]
    if target == "warc":
        archive = gzip.decompress(warc([("https://gazette.example/s", page.encode(), "text/html")]))
        return [archive.removeprefix(b"WARC/1.0\r\n")]
    return [gzip.compress(body.encode()), gzip.compress(page.encode("utf-16")), body.encode()]


def fuzz_one(target: str, argv: list[str]) -> None:
    """Run one target under libFuzzer (this process, until a crash or libFuzzer's limits)."""
    import atheris

    function = _targets()[target]
    atheris.Setup([sys.argv[0], *argv], function)
    atheris.Fuzz()


def run(targets: list[str], seconds: int, out: Path = OUT) -> int:
    """Every target for ``seconds`` each, in its own process; prints a summary, 1 on a crash."""
    out.mkdir(parents=True, exist_ok=True)
    crashed: list[str] = []
    total = 0.0
    for target in targets:
        corpus = out / "corpus" / target
        corpus.mkdir(parents=True, exist_ok=True)
        for n, seed in enumerate(seeds(target)):
            (corpus / f"seed-{n}").write_bytes(seed)
        artifacts = out / target
        artifacts.mkdir(parents=True, exist_ok=True)
        earlier = set(artifacts.iterdir())  # crashes of an earlier run are not this run's
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            target,
            f"-max_total_time={seconds}",
            "-timeout=20",
            "-rss_limit_mb=2048",
            "-max_len=65536",
            f"-artifact_prefix={artifacts}/",
            "-print_final_stats=1",
            str(corpus),
        ]
        started = time.perf_counter()
        # Our own script and arguments, no shell: nothing untrusted reaches the command line.
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        spent = time.perf_counter() - started
        total += spent
        runs = _stat(done.stderr, "stat::number_of_executed_units")
        found = sorted(p.name for p in set(artifacts.iterdir()) - earlier)
        status = "ok" if done.returncode == 0 and not found else f"CRASH (exit {done.returncode})"
        line = f"{target:6} {spent:6.1f} s  {runs:>8} inputs  {status}  {' '.join(found)}"
        print(line, flush=True)
        if status != "ok":
            crashed.append(target)
            print(done.stderr[-4000:], file=sys.stderr)
    print(f"fuzzed {len(targets)} targets for {total:.0f} s in all; crashes: {crashed or 'none'}")
    return 1 if crashed else 0


def _stat(stderr: str, name: str) -> str:
    for line in stderr.splitlines():
        if line.startswith(name):
            return line.rsplit(":", 1)[-1].strip()
    return "?"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] in (*TARGETS, ALL):
        fuzz_one(sys.argv[1], sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description="Fuzz the newsledger readers with atheris.")
    parser.add_argument("--run", type=int, metavar="SECONDS", help="fuzz each target this long")
    parser.add_argument("--out", type=Path, default=OUT, help="corpus and crash inputs")
    parser.add_argument("targets", nargs="*", default=list(TARGETS), help=f"{TARGETS} or {ALL}")
    args = parser.parse_args()
    if args.run is None:
        parser.error(f"give a target ({', '.join(TARGETS)}, {ALL}) or --run SECONDS")
    unknown = set(args.targets) - {*TARGETS, ALL}
    if unknown:
        parser.error(f"unknown targets: {sorted(unknown)}")
    return run(args.targets, args.run, args.out)


if __name__ == "__main__":
    sys.exit(main())
