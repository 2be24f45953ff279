"""WARC archives: each HTML response record becomes a document with its URI and fetch date."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsledger.config import Limits
from newsledger.errors import Errors, InputError
from newsledger.ingest.html import read_html
from newsledger.ingest.raw import decode
from newsledger.model import Document, Failure, Provenance


def read_warc(data: bytes, provenance: Provenance, limits: Limits) -> Iterator[Document | Failure]:
    """Documents from the HTML responses; a truncated archive keeps the records before the break."""
    index = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            index += 1
            if index > limits.max_records:
                yield Failure(
                    provenance.input, "E006", Errors.E006.format(limit=limits.max_records)
                )
                return
            if record.rec_type != "response" or not _is_html(record):
                continue
            yield from _response(record, replace(provenance, record=index), limits)
    except (ArchiveLoadFailed, ValueError, EOFError, OSError) as exc:
        yield Failure(provenance.input, "E007", Errors.E007.format(detail=str(exc)[:200]), index)


def _is_html(record: object) -> bool:
    headers = getattr(record, "http_headers", None)
    content_type = headers.get_header("Content-Type", "") if headers else ""
    return "html" in (content_type or "").lower()


def _response(
    record: object, provenance: Provenance, limits: Limits
) -> Iterator[Document | Failure]:
    url = record.rec_headers.get_header("WARC-Target-URI")  # type: ignore[attr-defined]
    fetched = record.rec_headers.get_header("WARC-Date")  # type: ignore[attr-defined]
    payload = record.content_stream().read(limits.max_document_size + 1)  # type: ignore[attr-defined]
    try:
        if len(payload) > limits.max_document_size:
            raise InputError(Errors.E003, size=len(payload), limit=limits.max_document_size)
        html, encoding = decode(payload)
        yield read_html(
            html,
            replace(provenance, encoding=encoding, format="warc"),
            limits,
            url=url,
            fetched=fetched,
        )
    except InputError as exc:
        yield Failure(provenance.input, exc.code, exc.reason, provenance.record)
