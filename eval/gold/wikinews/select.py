"""Pick the Wikinews articles of the ``wikinews`` gold splits and write them as JSON Lines dumps.

The pick is blind to the extractor: it looks only at length, at attribution words and at
digits, and draws with a fixed seed per round, each round from the candidates the earlier
rounds left, so anyone can check that no split was chosen for how newsledger does on it. The
text is CC BY 2.5 (Wikinews contributors, https://en.wikinews.org), the one staged corpus that
may be copied into the project; each ``roundN.jsonl`` keeps every article's url as its
attribution. Round 1 is the ``wikinews`` split, round 2 ``wikinews2``, round 3 ``wikinews3``,
round 4 ``wikinews4``, round 5 ``wikinews5`` (the 11 articles the first four rounds left: the
pool holds 83). Round 6 (``wikinews6``) draws from a second pool, fixed once the first was used
up and before any of its articles was seen: the articles outside the first pool that are
shorter (1,000 to 5,000 characters) with fewer attribution words (2) and digits (6).

    python eval/gold/wikinews/select.py --shared ../shared --round 2
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIKINEWS = Path("datasets") / "wikinews-en-2019-2020"
ATTRIBUTION = re.compile(r"\b(said|according to|told|reported|estimated)\b")
FIGURE = re.compile(r"\d")
#: one seed per round, fixed before the round's articles were seen
SEEDS = {1: 20261202, 2: 20261203, 3: 20261204, 4: 20261205, 5: 20261206, 6: 20261207}
SIZE = 18
#: rounds from the second pool, and how many articles each takes
SECOND_POOL = {6: 15}


def articles(shared: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    rows: list[dict[str, str]] = []
    for path in sorted((shared / WIKINEWS).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def _fits(row: dict[str, str], shortest: int, longest: int, cues: int, digits: int) -> bool:
    return (
        shortest <= len(row["text"]) <= longest
        and len(ATTRIBUTION.findall(row["text"])) >= cues
        and len(FIGURE.findall(row["text"])) >= digits
    )


def candidates(shared: Path) -> list[dict[str, str]]:
    """Articles short enough to annotate by hand and with attributed figures to annotate."""
    return [row for row in articles(shared) if _fits(row, 1500, 4000, 3, 10)]


def second_candidates(shared: Path) -> list[dict[str, str]]:
    """Once the first pool was used up: the shorter, sparser articles it left out."""
    first = {row["url"] for row in candidates(shared)}
    return [
        row for row in articles(shared) if row["url"] not in first and _fits(row, 1000, 5000, 2, 6)
    ]


def draw(pool: list[dict[str, str]], round_: int) -> list[dict[str, str]]:
    """Round ``round_``'s articles: drawn from what the earlier rounds of its pool left, by date."""
    first = min(SECOND_POOL) if round_ in SECOND_POOL else 1
    left = list(pool)
    for earlier in range(first, round_):
        taken = {row["url"] for row in draw(pool, earlier)}
        left = [row for row in left if row["url"] not in taken]
    size = SECOND_POOL.get(round_, SIZE)
    picked = random.Random(SEEDS[round_]).sample(left, min(size, len(left)))
    return sorted(picked, key=lambda row: row["date"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parents[2].parent / "shared")
    parser.add_argument("--round", type=int, choices=sorted(SEEDS), default=1)
    args = parser.parse_args(argv)
    pool = (second_candidates if args.round in SECOND_POOL else candidates)(args.shared)
    picked = draw(pool, args.round)
    path = HERE / f"round{args.round}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for row in picked:
            record = {"url": row["url"], "title": row["title"], "published": row["date"],
                      "outlet": "Wikinews", "text": row["text"]}  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(picked)} of {len(pool)} candidates written to {path}")


if __name__ == "__main__":
    main()
