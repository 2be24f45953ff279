"""``make eval``: every accuracy figure of newsledger, from data anyone can re-run it on.

Prints a table for people and writes ``eval/results/latest.json`` for machines.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import html_benchmark  # noqa: E402
import scraped  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared",
        type=Path,
        default=HERE.parent.parent / "shared",
        help="the shared folder with corpus/ and datasets/",
    )
    parser.add_argument("--verbose", action="store_true", help="list every error")
    args = parser.parse_args()
    results: dict[str, object] = {}
    corpus = args.shared / "corpus"
    if corpus.is_dir():
        found = scraped.evaluate(corpus, verbose=args.verbose)
        errors = found.pop("errors")
        results["scraped_corpus"] = found
        print("Scraped text (../shared/corpus, header title/date hidden from the reader)")
        print(f"  files with gold line labels: {found['files']}")
        print(f"  chrome lines: {found['chrome_lines']}")
        print(f"  body lines:   {found['body_lines']}")
        print(f"  titles: {found['title_accuracy']} of {found['titles_known']} known")
        print(f"  dates:  {found['date_accuracy']} of {found['dates_known']} known")
        for error in errors if args.verbose else []:
            print("   ", error)
    else:
        print(f"skipped scraped corpus: {corpus} not found")
    benchmark = args.shared / "datasets" / "article-extraction-benchmark"
    if benchmark.is_dir():
        html = html_benchmark.evaluate(benchmark)
        results["html_benchmark"] = html
        print(f"HTML body extraction (article-extraction-benchmark, {html['pages']} pages)")
        print(f"  newsledger:         {html['newsledger']}")
        print(f"  plain trafilatura:  {html['trafilatura']}")
    else:
        print(f"skipped HTML benchmark: {benchmark} not found")
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
