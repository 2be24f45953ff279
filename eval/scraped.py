"""Scraped-text ingest on ../shared/corpus/: chrome lines, titles and publication dates.

Each file's ``TITLE:`` and ``DATE:`` header lines are hidden from the reader (only ``URL:`` is
kept, as a scraper would have it), so titles and dates are recovered from the page text itself
and scored against the header. Chrome lines are scored against the line labels in
``eval/gold/chrome/`` (line numbers only; the text stays in the shared folder).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from newsledger.errors import InputError
from newsledger.ingest import chrome, text
from newsledger.model import Provenance

GOLD = Path(__file__).parent / "gold" / "chrome"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[int], gold: set[int]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _same_title(predicted: str | None, gold: str) -> bool:
    return predicted is not None and chrome.same_headline(predicted, gold)


def evaluate(corpus: Path, verbose: bool = False) -> dict[str, object]:
    chrome_counts, body_counts = Counts(), Counts()
    titles = dates = titles_known = dates_known = 0
    errors: list[str] = []
    for gold_file in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_file.read_text())
        raw = (corpus / gold["file"]).read_text(encoding="utf-8")
        header, page = text.split_header(raw)
        url = header.get("URL")
        classified = chrome.classify(page, None, text.slug_words(url))
        shift = header.lines
        predicted_body = {line.number + shift for line in classified.lines if line.label == "body"}
        labelled = {line.number + shift for line in classified.lines if line.raw.strip()}
        gold_body = set(gold["body"])
        gold_chrome = set(gold["title"]) | set(gold["meta"]) | set(gold["chrome"])
        body_counts.add(predicted_body, gold_body)
        chrome_counts.add(labelled - predicted_body, gold_chrome)
        if verbose:
            for number in sorted((labelled - predicted_body) ^ gold_chrome):
                kind = "chrome-but-gold-body" if number in gold_body else "body-but-gold-chrome"
                errors.append(f"{gold_file.stem}:{number} {kind}")
        hidden = f"URL: {url or ''}\n---\n{page}"
        try:
            document = text.read_text(hidden, Provenance(gold["file"]))
        except InputError as exc:
            errors.append(f"{gold_file.stem} not read: {exc}")
            continue
        if header.get("TITLE"):
            titles_known += 1
            titles += _same_title(document.title, header.get("TITLE") or "")
            if verbose and not _same_title(document.title, header.get("TITLE") or ""):
                errors.append(f"{gold_file.stem} title {document.title!r}")
        if header.get("DATE"):
            dates_known += 1
            dates += document.published.value == header.get("DATE")
            if verbose and document.published.value != header.get("DATE"):
                errors.append(f"{gold_file.stem} date {document.published} vs {header.get('DATE')}")
    return {
        "files": len(list(GOLD.glob("*.json"))),
        "chrome_lines": chrome_counts.scores(),
        "body_lines": body_counts.scores(),
        "title_accuracy": round(titles / titles_known, 4) if titles_known else None,
        "titles_known": titles_known,
        "date_accuracy": round(dates / dates_known, 4) if dates_known else None,
        "dates_known": dates_known,
        "errors": errors,
    }
