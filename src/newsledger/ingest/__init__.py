"""Ingest: inputs as people have them (files, folders, archives, feeds, URLs) to clean Documents.

Public entry points: ``expand`` lists the inputs a set of paths stands for (so a progress bar
knows the total), ``read_one`` reads one of them, and ``read`` chains the two. Readers never
raise for bad input: they yield a ``Failure`` naming the input and the reason, and go on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from newsledger.config import Limits
from newsledger.errors import Errors, InputError
from newsledger.ingest import budget, raw
from newsledger.ingest.detect import detect
from newsledger.ingest.document import now_iso
from newsledger.ingest.feeds import read_feed
from newsledger.ingest.fetch import Fetched, fetch, is_url
from newsledger.ingest.html import read_html
from newsledger.ingest.jsonl import read_jsonl
from newsledger.ingest.text import read_text
from newsledger.ingest.warc import read_warc
from newsledger.model import Document, Failure, Provenance

__all__ = ["Download", "expand", "read", "read_bytes", "read_one"]

#: Files in a folder that describe it rather than hold articles: the whole name, with at most
#: one extension, so an article saved under its slug ("licence-fee-to-rise.txt") is still read.
_NOT_ARTICLES = re.compile(
    r"(readme|licen[cs]e|changelog)(\.[a-z0-9]{1,8})?|index\.md", re.IGNORECASE
)


def expand(inputs: Iterable[str]) -> list[str]:
    """Files under folders (recursively, sorted), URLs and plain paths, in the order given.

    Everything in a folder but its sub-folders is an input, so what cannot be read (a dangling
    link, a link loop, a FIFO) is reported as a Failure instead of being passed over in silence.
    Links to folders are not followed (``rglob`` does not), so a link back up the tree cannot
    loop.
    """
    expanded: list[str] = []
    for item in inputs:
        path = Path(item)
        if not is_url(item) and path.is_dir():
            expanded.extend(
                str(found)
                for found in sorted(path.rglob("*"))
                if not found.is_dir() and not _skipped(found.relative_to(path))
            )
        else:
            expanded.append(item)
    return expanded


def _skipped(relative: Path) -> bool:
    """Hidden files and folders (``.git``) and README/LICENSE-style files (or folders)."""
    return any(part.startswith(".") or _NOT_ARTICLES.fullmatch(part) for part in relative.parts)


def read(inputs: Iterable[str], limits: Limits | None = None) -> Iterator[Document | Failure]:
    limits = limits or Limits()
    for item in expand(inputs):
        yield from read_one(item, limits)


@dataclass(frozen=True)
class Download:
    """A URL already fetched (by ``watch``, with a conditional request), read as if the URL had
    been given on the command line."""

    url: str
    answer: Fetched

    def __str__(self) -> str:
        return self.url


def read_one(item: str | Download, limits: Limits) -> Iterator[Document | Failure]:
    """Everything one file or URL holds; a broken input yields one Failure and nothing else."""
    try:
        if isinstance(item, Download):
            yield from read_bytes(item.answer.body, item.url, limits, url=item.answer.url)
            return
        if is_url(item):
            data, final_url = fetch(item, limits)
            yield from read_bytes(data, item, limits, url=final_url)
            return
        path = Path(item)
        if not path.exists() and not path.is_symlink():  # a broken link: raw names the reason
            raise InputError(Errors.E017)
        data = raw.read_bytes(path, limits)
        yield from read_bytes(data, item, limits)
    except InputError as exc:
        yield Failure(str(item), exc.code, exc.reason, exc.record)
    except RecursionError:
        yield Failure(str(item), "E013", Errors.E013.format(detail="structure nested too deeply"))
    except budget.OverBudget:  # only if the alarm came just as a budget was being left
        limit = f"{limits.document_seconds:g}"
        yield Failure(str(item), "E022", Errors.E022.format(limit=limit))


def read_bytes(
    data: bytes, source: str, limits: Limits, url: str | None = None
) -> Iterator[Document | Failure]:
    """Detect the format of raw bytes (gunzipping first) and hand them to the right reader.

    A single article (text or HTML) is refused over ``max_document_size`` and read within
    ``document_seconds``; containers apply both to each of their records.
    """
    digest = hashlib.sha256(data).hexdigest()
    broken: InputError | None = None
    if data.startswith(raw.GZIP_MAGIC):
        inflated, broken = raw.gunzip_members(data, limits)
        # Only a WARC is read from the whole members before a break: each one is a record.
        if broken is not None and not (inflated and detect(bytes(inflated[:4096])) == "warc"):
            raise broken
        data = bytes(inflated)
        del inflated
    data, wide = raw.wide_to_utf8(data)
    raw.check_not_empty(data)
    provenance = Provenance(
        input=source,
        raw_sha256=digest,
        format="url" if url else "text",
        encoding=wide,
        ingested_at=now_iso(),
    )
    kind = detect(data, source)
    # A WARC holds images and other binary payloads beside its pages; its reader keeps only the
    # HTML responses, so only the other formats must be text as a whole.
    if kind != "warc":
        raw.check_not_binary(data)
    if kind == "warc":
        yield from read_warc(data, replace(provenance, format="warc"), limits)
        if broken is not None:
            yield Failure(source, broken.code, broken.reason)
    elif kind == "feed":
        yield from read_feed(data, replace(provenance, format="feed"), limits)
    elif kind == "jsonl":
        text, encoding = raw.decode(data)
        provenance = replace(provenance, format="jsonl", encoding=wide or encoding)
        yield from read_jsonl(text, provenance, limits)
    else:
        raw.check_document_size(len(data), limits)
        yield budget.within(
            limits.document_seconds, lambda: _article(data, kind, provenance, limits, url)
        )


def _article(
    data: bytes, kind: str, provenance: Provenance, limits: Limits, url: str | None
) -> Document:
    """One text or HTML article from its bytes: decoding is part of reading it (and its time)."""
    text, encoding = raw.decode(data)
    provenance = replace(provenance, encoding=provenance.encoding or encoding)
    if kind == "html":
        return read_html(
            text, replace(provenance, format=provenance.format if url else "html"), limits, url=url
        )
    return read_text(text, provenance, url=url)
