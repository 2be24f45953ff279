"""Benchmark corpora of any size, made at run time from the articles we may read.

The sources are the shared corpus, the CC-BY Wikinews sample (``datasets/wikinews-en-2019-2020``)
and ``examples/``: a few hundred real articles, far too few for a scale test, and copies of them
would be collapsed by near-duplicate detection (or, worse, measured as cheap copies). So each
generated document is a new article put together from them, the way a developing story is
rewritten by other outlets:

- the lede and some paragraphs of one *base* article, and one or two paragraphs of others
  (recombined, so no 5-word-shingle set repeats another document's);
- its figures scaled by a few to a few tens of per cent (years and days of the month left alone,
  so dates still read as dates);
- a share of its capitalised words (people, places, organisations) renamed consistently within
  the document to invented names;
- its publication date moved by up to a year and a half, so stories stay bounded by the story
  index's time window as the corpus grows, as they do in a real archive;
- a new headline (the base's, with the same changes), outlet and URL.

Document ``n`` depends only on the seed and ``n`` (a generator per document), so any slice of a
corpus can be rebuilt and a corpus is the same on every machine. Documents are written one by one
as scraped text files (``URL:/TITLE:/DATE:`` header) in folders of 1,000, and never held together
in memory: a 100,000-document corpus costs the disk, not the bench process.

The generated text is only written under the folder given (a temporary one in the benches):
nothing of the sources is copied into the project.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_SHARED = HERE.parent.parent / "shared"
WIKINEWS = Path("datasets") / "wikinews-en-2019-2020"
#: Files per sub-folder: a folder of 100,000 files is slow to list on some file systems.
PER_FOLDER = 1000

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")
#: A figure as written: "12,000", "3.5", "41" (not the parts of a clock time, "18:50").
_NUMBER = re.compile(r"(?<![\d.,:])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d:])")
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DAY_BEFORE_MONTH = re.compile(rf"^\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTHS})\b")
_MONTH_BEFORE_DAY = re.compile(rf"\b(?:{_MONTHS})\.?\s*$")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")
#: What stands before a word that opens a sentence (searched up to the word).
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”’']?\s+|[\"“(]\s*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“A-Z])")
#: Reporting verbs, each swapped for another per occurrence: the attribution stays, and the
#: 5-word shingles around every quote differ from any other document's.
_SAID_AS = ("said", "stated", "added", "noted", "told reporters", "said on the record")
#: Words of news prose that another can stand for in almost any sentence, swapped at random per
#: occurrence. Renamed names and changed figures alone leave long runs of plain prose shared by
#: two documents from one base article (the copy detector's 5-word shingles would link them).
_SWAPS = (
    ("officials", "authorities"),
    ("residents", "locals", "inhabitants"),
    ("people", "individuals", "persons"),
    ("government", "administration"),
    ("company", "firm"),
    ("country", "nation"),
    ("announced", "declared"),
    ("destroyed", "wrecked"),
    ("began", "started"),
    ("large", "big"),
    ("major", "significant"),
    ("nearly", "almost"),
    ("more than", "over"),
    ("during", "throughout"),
    ("however", "though"),
    ("also", "additionally"),
    ("children", "youngsters"),
)
_SWAP_OF = {word: group for group in _SWAPS for word in group}
_SAID = re.compile(r"\b(said|says|stated|added|told reporters)\b")
_SWAP = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _SWAP_OF), key=len, reverse=True)) + r")\b"
)
#: Capitalised words that are not names: renaming them would garble the prose, not vary it.
_NOT_NAMES = """
The This That These Those There Their They Then When What Where Which While With Without
After Before Since From Into Over Under About Also Although However Meanwhile According Some
Many Most Other Others Another Each Every Both More Less Such Only Even Just Still Monday
Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June July
August September October November December Earlier Later Today Yesterday Tomorrow Last Next
First Second Third Year Month Week President Minister Prime Police Government Officials
Official Reuters Associated Press Sources Source Analysts Experts Report Reports
"""
_KEEP = frozenset(_NOT_NAMES.split())
_SYLLABLES = (
    "ka", "lor", "ven", "mar", "dis", "tor", "bel", "an", "ri", "sol", "gar", "nu", "ost", "hel",
    "ved", "ra", "mon", "ti", "quel", "bra", "dun", "e", "lin", "sar", "cor", "vo", "ham", "pel",
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    """One article the generator draws on: headline, publication day and paragraphs."""

    title: str
    day: date
    paragraphs: tuple[str, ...]


def _paragraphs(body: str) -> tuple[str, ...]:
    """The body's paragraphs with real prose (one-line captions and chrome left out)."""
    parts = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(body))
    return tuple(p for p in parts if len(p) >= 60 and " " in p)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _wikinews(shared: Path) -> Iterator[Source]:
    csv.field_size_limit(1 << 30)
    for path in sorted((shared / WIKINEWS).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                day = _day(row.get("date"))
                paragraphs = _paragraphs(row.get("text") or "")
                if day and len(paragraphs) >= 2:
                    yield Source(row.get("title") or "", day, paragraphs)


def _readable(shared: Path) -> Iterator[Source]:
    """The shared corpus and ``examples/``, through newsledger's own readers (chrome removed)."""
    from newsledger.config import Limits
    from newsledger.ingest import read
    from newsledger.model import Document

    for found in read([str(HERE.parent / "examples"), str(shared / "corpus")], Limits()):
        if isinstance(found, Document):
            paragraphs = _paragraphs(found.body)
            day = _day(found.published.value) or date(2025, 1, 1)
            if len(paragraphs) >= 2:
                yield Source(found.title or "", day, paragraphs)


@lru_cache(maxsize=4)
def sources(shared: Path = DEFAULT_SHARED) -> tuple[Source, ...]:
    """Every source article, in a fixed order (so a seed means the same corpus everywhere)."""
    found = [*_readable(shared), *_wikinews(shared)]
    if not found:
        raise SystemExit(f"no source articles under {shared} (pass --shared)")
    return tuple(found)


def _invented_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


class _Variation:
    """The changes of one document: one rename table and one figure scale, used throughout."""

    def __init__(self, rng: random.Random, year_shift: int) -> None:
        self.rng = rng
        self.year_shift = year_shift
        self.names: dict[str, str] = {}
        self.figures: dict[str, str] = {}
        self.rename_share = rng.uniform(0.5, 0.9)

    def text(self, text: str) -> str:
        said = _SAID.sub(lambda _: self.rng.choice(_SAID_AS), text)
        swapped = _SWAP.sub(lambda m: self.rng.choice(_SWAP_OF[m.group()]), said)
        return self._rename(self._figures(swapped))

    def sentences(self, paragraph: str, keep: float, first: bool = False) -> str:
        """The paragraph with a share of its sentences left out (a cut and rewritten report);
        the first is always kept when ``first`` (a lede's opening names the event)."""
        parts = _SENTENCE_END.split(paragraph)
        kept = [p for i, p in enumerate(parts) if (first and i == 0) or self.rng.random() < keep]
        return " ".join(kept or [self.rng.choice(parts)])

    def _figures(self, text: str) -> str:
        def scaled(match: re.Match[str]) -> str:
            written = match.group()
            before, after = text[: match.start()], text[match.end() :]
            number = float(written.replace(",", ""))
            if re.fullmatch(r"(19|20)\d\d", written):
                return str(int(number) + self.year_shift)  # a year: moved with the date
            if number <= 31 and (
                _MONTH_BEFORE_DAY.search(before) or _DAY_BEFORE_MONTH.match(after)
            ):
                return written  # a day of the month
            if written not in self.figures:  # one outlet gives one figure throughout
                self.figures[written] = _rescaled(written, number * self.rng.uniform(0.7, 1.4))
            return self.figures[written]

        return _NUMBER.sub(scaled, text)

    def _rename(self, text: str) -> str:
        """Names renamed: a capitalised word seen inside a sentence is a name (at a sentence's
        start it may be any word), and then renamed wherever it stands, the same way each time."""
        for match in _CAPITALISED.finditer(text):
            word = match.group()
            opening = _SENTENCE_START.search(text, 0, match.start())
            if word in self.names or word in _KEEP or opening:
                continue
            keep = self.rng.random() > self.rename_share
            self.names[word] = word if keep else _invented_name(self.rng)
        return _CAPITALISED.sub(lambda m: self.names.get(m.group(), m.group()), text)


def _rescaled(written: str, value: float) -> str:
    """``value`` written the way ``written`` was (thousands separators, decimals)."""
    comma = "," if "," in written else ""
    if "." in written:
        decimals = len(written.rsplit(".", 1)[1])
        return f"{value:{comma}.{decimals}f}"
    return f"{max(1, round(value)):{comma}}"


def _outlet(rng: random.Random) -> tuple[str, str]:
    name = _invented_name(rng)
    kind = rng.choice(("Times", "Herald", "Post", "Courier", "Observer", "Daily", "News"))
    return f"The {name} {kind}", f"{name.lower()}-{kind.lower()}"


def document(n: int, seed: int = 0, shared: Path = DEFAULT_SHARED) -> tuple[str, str]:
    """The ``n``-th document of the corpus of ``seed``: (file name, scraped-text file content)."""
    pool = sources(shared)
    rng = random.Random(f"newsledger-bench:{seed}:{n}")
    base = pool[rng.randrange(len(pool))]
    shift = rng.randint(-540, 540)
    day = base.day + timedelta(days=shift)
    variation = _Variation(rng, day.year - base.day.year)
    keep = rng.uniform(0.4, 0.75)
    rest = list(base.paragraphs[1:])
    kept = sorted(rng.sample(range(len(rest)), k=min(len(rest), rng.randint(1, 4))))
    paragraphs = [variation.sentences(base.paragraphs[0], keep, first=True)]
    paragraphs += [variation.sentences(rest[i], keep) for i in kept]
    for _ in range(rng.randint(1, 3)):
        donor = pool[rng.randrange(len(pool))]
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(donor.paragraphs))
    body = "\n\n".join(variation.text(p) for p in paragraphs)
    title = variation.text(base.title) or variation.text(paragraphs[0])[:80]
    outlet, host = _outlet(rng)
    slug = "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8]) or "article"
    header = (
        f"URL: https://{host}.example/{day.isoformat()}/{slug}-{n}\n"
        f"TITLE: {title}\nDATE: {day.isoformat()}\nOUTLET: {outlet}\n---\n"
    )
    return f"{n:07d}-{slug[:40]}.txt", header + body + "\n"


def build(folder: Path, docs: int, seed: int = 0, shared: Path = DEFAULT_SHARED) -> Path:
    """Write ``docs`` documents under ``folder`` (streamed, one file at a time); ``folder``."""
    for n in range(docs):
        name, text = document(n, seed, shared)
        sub = folder / f"{n // PER_FOLDER:04d}"
        if n % PER_FOLDER == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / name).write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the documents into")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    build(args.out, args.docs, args.seed, args.shared)
    print(f"{args.docs} documents in {args.out}")


if __name__ == "__main__":
    main()
