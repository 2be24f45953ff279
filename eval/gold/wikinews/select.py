"""Pick the Wikinews articles of the ``wikinews`` gold split and write them as a JSON Lines dump.

The pick is blind to the extractor: it looks only at length, at attribution words and at
digits, and draws with a fixed seed, so anyone can check that the split was not chosen for how
newsledger does on it. The text is CC BY 2.5 (Wikinews contributors, https://en.wikinews.org),
the one staged corpus that may be copied into the project; ``heldout.jsonl`` keeps each
article's url as its attribution.

    python eval/gold/wikinews/select.py --shared ../shared
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
SEED = 20261202
SIZE = 18


def candidates(shared: Path) -> list[dict[str, str]]:
    """Articles short enough to annotate by hand and with attributed figures to annotate."""
    csv.field_size_limit(1 << 30)
    rows: list[dict[str, str]] = []
    for path in sorted((shared / WIKINEWS).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return [
        row
        for row in rows
        if 1500 <= len(row["text"]) <= 4000
        and len(ATTRIBUTION.findall(row["text"])) >= 3
        and len(FIGURE.findall(row["text"])) >= 10
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parents[2].parent / "shared")
    args = parser.parse_args(argv)
    pool = candidates(args.shared)
    picked = sorted(random.Random(SEED).sample(pool, SIZE), key=lambda row: row["date"])
    with (HERE / "heldout.jsonl").open("w", encoding="utf-8") as out:
        for row in picked:
            record = {"url": row["url"], "title": row["title"], "published": row["date"],
                      "outlet": "Wikinews", "text": row["text"]}  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(picked)} of {len(pool)} candidates written to {HERE / 'heldout.jsonl'}")


if __name__ == "__main__":
    main()
