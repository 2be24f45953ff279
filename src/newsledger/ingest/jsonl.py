"""JSON Lines dumps: one article per line with ``text`` or ``html`` and optional metadata.

A malformed line is reported with its line number and the other lines are still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

from newsledger.config import Limits
from newsledger.errors import Errors, InputError
from newsledger.ingest import dates
from newsledger.ingest.document import each_record, plain_text
from newsledger.ingest.html import read_html
from newsledger.ingest.raw import check_document_size, text_size
from newsledger.ingest.text import read_text
from newsledger.model import DateInfo, Document, Failure, Provenance


def read_jsonl(text: str, provenance: Provenance, limits: Limits) -> Iterator[Document | Failure]:
    lines = ((n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip())
    yield from each_record(lines, provenance, limits, lambda line, p: _record(line, p, limits))


def _record(line: str, provenance: Provenance, limits: Limits) -> Document:
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise InputError(Errors.E008, detail=str(exc)) from exc
    except RecursionError as exc:  # "[[[[...": the decoder recurses once per level
        raise InputError(Errors.E008, detail="nested too deeply") from exc
    if not isinstance(record, dict):
        raise InputError(Errors.E008, detail="a line must hold a JSON object")
    url = _string(record.get("url"))
    published = dates.normalise(_string(record.get("published")))
    anchor = DateInfo(published, "jsonl") if published else None
    for field in ("text", "html"):  # the article's own size, not that of its JSON escapes
        if isinstance(record.get(field), str):
            check_document_size(text_size(record[field]), limits, provenance.record)
    if isinstance(record.get("text"), str) and record["text"].strip():
        return read_text(
            record["text"],
            replace(provenance, format="jsonl"),
            url=url,
            title=_string(record.get("title")),
            published=anchor,
            outlet=_string(record.get("outlet")),
        )
    if isinstance(record.get("html"), str) and record["html"].strip():
        document = read_html(record["html"], replace(provenance, format="jsonl"), limits, url=url)
        return replace(
            document,
            title=_string(record.get("title")) or document.title,
            outlet=_string(record.get("outlet")) or document.outlet,
            published=anchor or document.published,
        )
    raise InputError(Errors.E009)


def _string(value: object) -> str | None:
    """A record's string field, made storable (a JSON string may hold NUL or a lone surrogate)."""
    if not isinstance(value, str):
        return None
    return plain_text(value).strip() or None
