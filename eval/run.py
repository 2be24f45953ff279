"""``make eval``: every accuracy figure of newsledger, from data anyone can re-run it on.

Each section is one scorer module of this folder, also runnable alone (``python eval/te3.py
--shared ../shared``). Prints a table per section for people and writes
``eval/results/latest.json`` for machines. A section whose data is missing is skipped and says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import claims  # noqa: E402
import facts  # noqa: E402
import html_benchmark  # noqa: E402
import newsquant  # noqa: E402
import polnear  # noqa: E402
import scraped  # noqa: E402
import stories  # noqa: E402
import te3  # noqa: E402


def scraped_section(shared: Path, verbose: bool) -> dict[str, Any] | None:
    corpus = shared / "corpus"
    if not corpus.is_dir():
        return None
    found = scraped.evaluate(corpus, verbose=verbose)
    errors = found.pop("errors")
    print("Scraped text (../shared/corpus, header title/date hidden from the reader)")
    print(f"  files with gold line labels: {found['files']}")
    print(f"  chrome lines: {found['chrome_lines']}")
    print(f"  body lines:   {found['body_lines']}")
    print(f"  titles: {found['title_accuracy']} of {found['titles_known']} known")
    print(f"  dates:  {found['date_accuracy']} of {found['dates_known']} known")
    for error in errors if verbose else []:
        print("   ", error)
    return found


def html_section(shared: Path, verbose: bool) -> dict[str, Any] | None:
    benchmark = shared / "datasets" / "article-extraction-benchmark"
    if not benchmark.is_dir():
        return None
    html = html_benchmark.evaluate(benchmark)
    print(f"HTML body extraction (article-extraction-benchmark, {html['pages']} pages)")
    print(f"  newsledger:         {html['newsledger']}")
    print(f"  plain trafilatura:  {html['trafilatura']}")
    return html


def claims_section(shared: Path, verbose: bool) -> dict[str, Any] | None:
    """Our own gold: dev, test, fresh, other and wikinews to wikinews5 (all tuned on by now),
    then the held-out wikinews6 split."""
    if not (shared / "corpus").is_dir():
        return None
    results = {}
    for split in claims.SPLITS[:-1]:  # every split but "all"
        results[split] = claims.main(shared, split, verbose=verbose)
        claims._print(results[split])
    return results


def te3_section(shared: Path, verbose: bool) -> dict[str, Any] | None:
    results = te3.main(shared, verbose=verbose)
    if not results:
        return None
    print(f"TE3 platinum dates (DATE and TIME), {results['documents']} documents")
    print(te3._table(results))
    return results


def newsquant_section(shared: Path, verbose: bool) -> dict[str, Any] | None:
    if not (shared / newsquant.DATASET).is_file():
        return None
    results = newsquant.main(shared)
    print(newsquant._table(results))
    return results


def polnear_section(shared: Path, verbose: bool) -> dict[str, Any] | None:
    results = polnear.main(shared)
    if "skipped" in results:
        return None
    print(polnear.table(results))
    return results


def stories_section(shared: Path, verbose: bool) -> dict[str, Any] | None:
    if not (shared / "corpus").is_dir():
        return None
    results = stories.main(shared)
    print(stories.table(results))
    return results


def facts_section(shared: Path, verbose: bool) -> dict[str, Any] | None:
    if not (shared / "corpus").is_dir():
        return None
    results = facts.main(shared)
    print(facts.table(results))
    return results


SECTIONS: dict[str, Callable[[Path, bool], dict[str, Any] | None]] = {
    "scraped_corpus": scraped_section,
    "html_benchmark": html_section,
    "claims": claims_section,
    "te3_platinum": te3_section,
    "newsquant": newsquant_section,
    "polnear": polnear_section,
    "stories": stories_section,
    "facts": facts_section,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared",
        type=Path,
        default=HERE.parent.parent / "shared",
        help="the shared folder with corpus/ and datasets/",
    )
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run these")
    parser.add_argument("--verbose", action="store_true", help="list every error")
    args = parser.parse_args()
    out = HERE / "results" / "latest.json"
    results: dict[str, Any] = json.loads(out.read_text()) if out.exists() and args.only else {}
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        print()
        found = section(args.shared, args.verbose)
        if found is None:
            print(f"skipped {name}: its data is not under {args.shared}")
        else:
            results[name] = found
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
