"""WARC archives: each HTML response record becomes a document with its URI and fetch date."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace

from warcio.archiveiterator import ArchiveIterator

from newsledger.config import Limits
from newsledger.errors import Errors, InputError
from newsledger.ingest import budget
from newsledger.ingest.html import read_html
from newsledger.ingest.raw import check_document_size, decode
from newsledger.model import Document, Failure, Provenance


def read_warc(data: bytes, provenance: Provenance, limits: Limits) -> Iterator[Document | Failure]:
    """Documents from the HTML responses; a truncated archive keeps the records before the break.

    A record is read to its end before its page is parsed, so one cut short (its stream ends
    before its Content-Length) is reported as the break instead of stored as a torn page.
    """
    index = pages = 0
    records = ArchiveIterator(io.BytesIO(data))
    iterator = iter(records)
    while True:
        # Only warcio's own calls are guarded, and against anything it raises: on a malformed
        # header it fails in many ways of its own (a response without a target URI raised
        # AttributeError inside it), and any of them means the archive is broken from here.
        # Our reading of each page stays outside, so a bug of ours is not taken for a break.
        try:
            record = next(iterator, None)
            if record is None:
                break
            index += 1
            if index > limits.max_records:
                break
            if record.rec_type != "response" or not _is_html(record):
                continue
            payload = record.content_stream().read(limits.max_document_size + 1)
            records.read_to_end(record)
            missing = getattr(record.raw_stream, "limit", 0)
        except Exception as exc:
            detail = f"{type(exc).__name__}: {exc}"[:200]
            yield Failure(provenance.input, "E007", Errors.E007.format(detail=detail), index)
            return
        pages += 1
        if missing > 0:
            detail = f"record {index} is cut short, {missing} bytes missing"
            yield Failure(provenance.input, "E007", Errors.E007.format(detail=detail), index)
            continue
        yield from _response(record, payload, replace(provenance, record=index), limits)
    if record is not None:  # stopped at the limit
        yield Failure(provenance.input, "E006", Errors.E006.format(limit=limits.max_records))
    elif not pages:  # whole, but nothing in it to read: said, not silently nothing
        detail = f"none of its {index} records is an HTML response"
        yield Failure(
            provenance.input, "E023", Errors.E023.format(kind="WARC archive", detail=detail)
        )


def _is_html(record: object) -> bool:
    headers = getattr(record, "http_headers", None)
    content_type = headers.get_header("Content-Type", "") if headers else ""
    return "html" in (content_type or "").lower()


def _response(
    record: object, payload: bytes, provenance: Provenance, limits: Limits
) -> Iterator[Document | Failure]:
    url = record.rec_headers.get_header("WARC-Target-URI")  # type: ignore[attr-defined]
    fetched = record.rec_headers.get_header("WARC-Date")  # type: ignore[attr-defined]

    def page() -> Document:
        html, encoding = decode(payload)
        return read_html(
            html,
            replace(provenance, encoding=encoding, format="warc"),
            limits,
            url=url,
            fetched=fetched,
        )

    try:
        check_document_size(len(payload), limits, provenance.record)
        yield budget.within(limits.document_seconds, page, provenance.record)
    except InputError as exc:
        yield Failure(provenance.input, exc.code, exc.reason, provenance.record)
    except RecursionError:
        reason = Errors.E013.format(detail="structure nested too deeply")
        yield Failure(provenance.input, "E013", reason, provenance.record)
