"""Annotation helper for the claim gold: find phrases, build gold files, show what they point at.

The gold files in this folder hold character offsets only (plus short snippets for our own
``examples/``); this script is how they were made and how anyone can check them:

    python eval/gold/claims/annotate_helper.py find corpus/002_x.txt "as many as 12,000"
    python eval/gold/claims/annotate_helper.py show eval/gold/claims/corpus-002.json
    python eval/gold/claims/annotate_helper.py build SPEC.py [SPEC.py ...]

``find`` and ``show`` take ``--shared`` (default ``../shared``). A corpus path is relative to
the shared folder and is read as raw text (the whole file, UTF-8, header included); an
``examples/...`` path is read with ``newsledger.ingest.read`` and offsets are into the
document body (``PATH#RECORD`` picks a record of a feed, dump or archive).

A spec (kept outside the repository for corpus files, since it quotes their text) is Python
that defines ``DOC`` and lists ``Q``, ``D``, ``E``, ``S`` with ``q()``, ``d()``, ``e()``, ``s()``;
each call names a phrase, optionally ``line=`` (1-based line of the anchor text) and ``n=``
(1-based occurrence), and the builder turns it into offsets, refusing any phrase that is missing,
ambiguous or (for the corpus) outside the lines the chrome gold labels as body.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
CHROME_GOLD = HERE.parent / "chrome"
REPO_INPUTS = ("examples/", "eval/")  # read with newsledger.ingest.read, offsets into the body


@dataclass
class Anchor:
    """The text offsets point into, and the lines a span may lie on."""

    text: str
    allowed: list[tuple[int, int]]  # (start, end) of each line a span may lie on
    lines: list[tuple[int, int]]  # (start, end) of every line, 1-based by position
    kind: str  # "raw" or "body"
    published: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def line_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def corpus_anchor(shared: Path, relative: str) -> Anchor:
    path = shared / relative
    raw = path.read_bytes().decode("utf-8")
    lines = line_spans(raw)
    gold = json.loads((CHROME_GOLD / f"{path.name[:3]}.json").read_text())
    allowed = [lines[number - 1] for number in gold["body"]]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Anchor(raw, allowed, lines, "raw", extra={"raw_sha256": digest})


def example_anchor(relative: str) -> Anchor:
    from newsledger.ingest import read

    path, _, record = relative.partition("#")
    wanted = int(record) if record else None
    for found in read([str(REPO / path)]):
        body = getattr(found, "body", None)
        if body is not None and found.provenance.record == wanted:  # type: ignore[union-attr]
            lines = line_spans(body)
            digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
            return Anchor(
                body,
                lines,
                lines,
                "body",
                published=found.published.value,  # type: ignore[union-attr]
                extra={"body_sha256": digest},
            )
    raise SystemExit(f"no document {relative}")


def anchor_for(shared: Path, relative: str) -> Anchor:
    if relative.startswith(REPO_INPUTS):
        return example_anchor(relative)
    return corpus_anchor(shared, relative)


def occurrences(anchor: Anchor, phrase: str, line: int | None, words: bool) -> list[int]:
    pattern = re.escape(phrase)
    if words or phrase[:1].isalnum():
        pattern = rf"(?<!\w){pattern}"
    if words or phrase[-1:].isalnum():
        pattern = rf"{pattern}(?!\w)"
    regions = [anchor.lines[line - 1]] if line else anchor.allowed
    found = []
    for start, end in regions:
        for match in re.finditer(pattern, anchor.text[start:end]):
            found.append(start + match.start())
    return sorted(found)


def locate(anchor: Anchor, phrase: str, line: int | None, n: int | None) -> tuple[int, int]:
    found = occurrences(anchor, phrase, line, words=False)
    if not found:
        raise ValueError(f"phrase not found: {phrase!r} (line {line})")
    if n is None and len(found) > 1:
        raise ValueError(f"ambiguous phrase {phrase!r}: {len(found)} matches, give line= or n=")
    start = found[(n or 1) - 1]
    end = start + len(phrase)
    if not _inside((start, end), anchor.allowed):
        raise ValueError(f"phrase {phrase!r} lies outside the body lines")
    return start, end


def line_of(anchor: Anchor, offset: int) -> int:
    for number, (start, end) in enumerate(anchor.lines, 1):
        if start <= offset <= end:
            return number
    return -1


# --- spec constructors -------------------------------------------------------------------------


def q(phrase: str, **kw: Any) -> dict[str, Any]:
    return {"kind": "quantity", "phrase": phrase, **kw}


def d(phrase: str, value: str | None, granularity: str | None, **kw: Any) -> dict[str, Any]:
    return {"kind": "date", "phrase": phrase, "value": value, "granularity": granularity, **kw}


def e(phrase: str, label: str, canonical: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"kind": "entity", "phrase": phrase, "label": label, "canonical": canonical, **kw}


def s(phrase: str, canonical: str | None, kind: str, **kw: Any) -> dict[str, Any]:
    return {"kind": "source", "phrase": phrase, "canonical": canonical, "source_kind": kind, **kw}


def build_quantity(item: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    out: dict[str, Any] = {"start": start, "end": end}
    out["value"] = item.get("value")
    out["low"] = item.get("low")
    out["high"] = item.get("high")
    out["approximate"] = bool(item.get("approx", False))
    out["vague"] = bool(item.get("vague", False))
    out["counted"] = item.get("counted")
    if item.get("counted_alt"):
        out["counted_alt"] = item["counted_alt"]
    out["unit"] = item.get("unit")
    out["per"] = item.get("per")
    out["source"] = item.get("src")
    if item.get("src_alt"):
        out["source_alt"] = item["src_alt"]
    out["source_kind"] = item.get("skind")
    if item.get("via"):
        out["via"] = item["via"]
    out["certainty"] = item["cert"]
    if item.get("note"):
        out["note"] = item["note"]
    numbers = [out["value"], out["low"], out["high"]]
    if out["vague"] != all(x is None for x in numbers):
        raise ValueError(f"quantity {item['phrase']!r}: vague iff no number")
    if out["value"] is not None and (out["low"] is not None or out["high"] is not None):
        raise ValueError(f"quantity {item['phrase']!r}: value or low/high, not both")
    return out


def build(spec_path: Path, shared: Path) -> Path:
    namespace: dict[str, Any] = {"q": q, "d": d, "e": e, "s": s}
    exec(compile(spec_path.read_text(), str(spec_path), "exec"), namespace)  # noqa: S102
    doc: dict[str, Any] = namespace["DOC"]
    record = doc.get("record")
    anchor = anchor_for(shared, doc["input"] + ("" if record is None else f"#{record}"))
    keep_text = anchor.kind == "body"
    gold: dict[str, Any] = {
        "id": doc["id"],
        "split": doc["split"],
        "input": doc["input"],
        "record": doc.get("record"),
        "anchor": anchor.kind,
        **anchor.extra,
        "published": doc["published"],
        "published_basis": doc.get("published_basis", ""),
        "story": doc.get("story", "main"),
        "notes": doc.get("notes", ""),
        "quantities": [],
        "dates": [],
        "entities": [],
        "sources": [],
    }
    taken: list[tuple[int, int]] = []
    for item in namespace.get("Q", []):
        start, end = locate(anchor, item["phrase"], item.get("line"), item.get("n"))
        gold["quantities"].append(_with_text(build_quantity(item, start, end), anchor, keep_text))
    for item in namespace.get("D", []):
        start, end = locate(anchor, item["phrase"], item.get("line"), item.get("n"))
        row = {
            "start": start,
            "end": end,
            "value": item["value"],
            "granularity": item["granularity"],
        }
        if item.get("note"):
            row["note"] = item["note"]
        gold["dates"].append(_with_text(row, anchor, keep_text))
    for item in sorted(namespace.get("E", []), key=lambda x: -len(x["phrase"])):
        if item.get("every"):
            spans = [
                (o, o + len(item["phrase"]))
                for o in occurrences(anchor, item["phrase"], item.get("line"), words=True)
            ]
            spans = [sp for sp in spans if not any(a < sp[1] and sp[0] < b for a, b in taken)]
            spans = [sp for sp in spans if _inside(sp, anchor.allowed)]
            if not spans and not item.get("optional"):
                raise ValueError(f"entity {item['phrase']!r} not found")
        else:
            spans = [locate(anchor, item["phrase"], item.get("line"), item.get("n"))]
        for start, end in spans:
            if any(a < end and start < b for a, b in taken):
                raise ValueError(f"entity {item['phrase']!r} overlaps another entity")
            taken.append((start, end))
            row = {
                "start": start,
                "end": end,
                "label": item["label"],
                "canonical": item["canonical"] or item["phrase"],
            }
            gold["entities"].append(_with_text(row, anchor, keep_text))
    gold["entities"].sort(key=lambda r: r["start"])
    for item in namespace.get("S", []):
        start, end = locate(anchor, item["phrase"], item.get("line"), item.get("n"))
        row = {
            "start": start,
            "end": end,
            "canonical": item["canonical"],
            "kind": item["source_kind"],
        }
        gold["sources"].append(_with_text(row, anchor, keep_text))
    for key in ("quantities", "dates", "sources"):
        gold[key].sort(key=lambda r: r["start"])
    out = HERE / f"{doc['id']}.json"
    out.write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n")
    return out


def _inside(span: tuple[int, int], allowed: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in allowed)


def _with_text(row: dict[str, Any], anchor: Anchor, keep_text: bool) -> dict[str, Any]:
    if keep_text:
        return {"text": anchor.text[row["start"] : row["end"]], **row}
    return row


def show(gold_path: Path, shared: Path) -> None:
    gold = json.loads(gold_path.read_text())
    where = gold["input"] + (f"#{gold['record']}" if gold.get("record") is not None else "")
    anchor = anchor_for(shared, where)
    print(f"== {gold['id']} ({gold['split']}) {where} published {gold['published']}")
    for key in ("quantities", "dates", "entities", "sources"):
        print(f"-- {key}")
        for row in gold[key]:
            text = anchor.text[row["start"] : row["end"]]
            rest = {k: v for k, v in row.items() if k not in ("start", "end", "text")}
            where = f"L{line_of(anchor, row['start'])} [{row['start']}:{row['end']}]"
            print(f"  {where} {text!r} {rest}")


def find(relative: str, phrase: str, shared: Path) -> None:
    anchor = anchor_for(shared, relative)
    for start, end in anchor.lines:
        for match in re.finditer(re.escape(phrase), anchor.text[start:end]):
            offset = start + match.start()
            print(
                f"L{line_of(anchor, offset)} [{offset}:{offset + len(phrase)}] "
                f"{anchor.text[max(0, offset - 30) : offset + len(phrase) + 30]!r}"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    sub = parser.add_subparsers(dest="command", required=True)
    p_find = sub.add_parser("find")
    p_find.add_argument("path")
    p_find.add_argument("phrase")
    p_show = sub.add_parser("show")
    p_show.add_argument("gold", nargs="+", type=Path)
    p_build = sub.add_parser("build")
    p_build.add_argument("spec", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "find":
        find(args.path, args.phrase, args.shared)
    elif args.command == "show":
        for path in args.gold:
            show(path, args.shared)
    else:
        for spec in args.spec:
            try:
                print("built", build(spec, args.shared))
            except ValueError as exc:
                print(f"{spec}: {exc}", file=sys.stderr)
                sys.exit(1)


if __name__ == "__main__":
    main()
