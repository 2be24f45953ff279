"""``make watch-demo``: the examples arrive in publication order and ``watch`` reports each pass.

Copies the files of ``examples/`` into a watched folder a few at a time, oldest first (the order
their articles came out), runs ``newsledger watch --once`` after each release and once more with
nothing new, then prints the whole change log with ``newsledger changes``. What it prints is what
an analyst following the story would have been told, pass by pass.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

#: Files of examples/ by the date of their earliest article, released together per pass.
RELEASES: tuple[tuple[str, ...], ...] = (
    (
        "scraped/vessingham-evening-post-ketterby-depot-fire.txt",
        "scraped/kaldmoor-courier-greyhollow-dam-breach-40-missing.txt",
    ),
    (
        "scraped/vessingham-evening-post-npa-up-to-120-missing.txt",
        "html/eastport-chronicle-kaldmoor-dam-collapse-mayor-fears-120-missing.html",
        "html/meridian-standard-relief-500-dollars-toll-11.html",
    ),
    ("feeds/valley-fm-news.xml", "dumps/news-crawl-2025-03.jsonl"),
    (
        "scraped/kaldmoor-courier-greyhollow-toll-19-41-missing.txt.gz",
        "archive/civic-observer-2025-03-19.warc.gz",
        "scraped/sallow-cross-mercury-coroner-opens-inquests.txt",
    ),
    (),
)


def newsledger(*args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "newsledger.cli", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"newsledger {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "demo" / "watch")
    args = parser.parse_args()
    inbox, db = args.out / "inbox", args.out / "ledger.db"
    shutil.rmtree(args.out, ignore_errors=True)
    inbox.mkdir(parents=True)
    for number, files in enumerate(RELEASES, 1):
        for name in files:
            (inbox / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(EXAMPLES / name, inbox / name)
        report = json.loads(newsledger("watch", str(inbox), "--db", str(db), "--once", "--json"))
        kinds: dict[str, int] = {}
        for change in report["changes"]:
            kinds[change["kind"]] = kinds.get(change["kind"], 0) + 1
        print(
            f"pass {number}: {len(files)} files released, "
            f"{len(report['new_documents'])} new documents, {len(report['changes'])} changes "
            f"{json.dumps(kinds)}"
        )
    print(newsledger("changes", "--db", str(db)))


if __name__ == "__main__":
    main()
