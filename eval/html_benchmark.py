"""Body extraction on the article-extraction-benchmark, scored as its README says.

newsledger's HTML reader and plain ``trafilatura.extract`` run in the same process on the same
pages, so the comparison shows whether wrapping trafilatura loses anything.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from newsledger.ingest.html import extract_body

_TOKEN = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def score(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Per-document normalised tp/fp/fn over 4-gram multisets, averaged; F1 of the averages."""
    precisions, recalls, exact = [], [], 0
    for key, truth in gold.items():
        t, p = shingles(truth), shingles(predicted.get(key, ""))
        tp = sum((t & p).values())
        fp = sum((p - t).values())
        fn = sum((t - p).values())
        total = tp + fp + fn
        if fp == fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
        else:
            tp_n, fp_n, fn_n = tp / total, fp / total, fn / total
            if tp_n + fp_n > 0:
                precisions.append(tp_n / (tp_n + fp_n))
            if tp_n + fn_n > 0:
                recalls.append(tp_n / (tp_n + fn_n))
        exact += _TOKEN.findall(truth) == _TOKEN.findall(predicted.get(key, "") or "")
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    f1 = 2 * precision * recall / (precision + recall)
    return {
        "f1": round(f1, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "accuracy": round(exact / len(gold), 4),
    }


def _ours(html: str, url: str) -> str:
    result = extract_body(html, url)
    return result.text if result is not None and result.text else ""


def _plain(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def evaluate(folder: Path) -> dict[str, object]:
    gold_items = json.loads((folder / "ground-truth.json").read_text())
    gold = {key: item["articleBody"] for key, item in gold_items.items()}
    systems: dict[str, Callable[[str, str], str]] = {"newsledger": _ours, "trafilatura": _plain}
    predictions: dict[str, dict[str, str]] = {name: {} for name in systems}
    for key, item in gold_items.items():
        html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()).decode(
            "utf-8", errors="replace"
        )
        for name, system in systems.items():
            predictions[name][key] = system(html, item.get("url", ""))
    return {"pages": len(gold), **{name: score(gold, predictions[name]) for name in systems}}
