"""Ingest: inputs as people have them (files, folders, archives, feeds, URLs) to clean Documents.

Public entry points: ``expand`` lists the inputs a set of paths stands for (so a progress bar
knows the total), ``read_one`` reads one of them, and ``read`` chains the two. Readers never
raise for bad input: they yield a ``Failure`` naming the input and the reason, and go on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from newsledger.config import Limits
from newsledger.errors import Errors, InputError
from newsledger.ingest import raw
from newsledger.ingest.detect import detect
from newsledger.ingest.document import now_iso
from newsledger.ingest.feeds import read_feed
from newsledger.ingest.fetch import fetch, is_url
from newsledger.ingest.html import read_html
from newsledger.ingest.jsonl import read_jsonl
from newsledger.ingest.text import read_text
from newsledger.ingest.warc import read_warc
from newsledger.model import Document, Failure, Provenance

__all__ = ["expand", "read", "read_bytes", "read_one"]

#: Files in a folder that describe it rather than hold articles: the whole name, with at most
#: one extension, so an article saved under its slug ("licence-fee-to-rise.txt") is still read.
_NOT_ARTICLES = re.compile(
    r"(readme|licen[cs]e|changelog)(\.[a-z0-9]{1,8})?|index\.md", re.IGNORECASE
)


def expand(inputs: Iterable[str]) -> list[str]:
    """Files under folders (recursively, sorted), URLs and plain paths, in the order given."""
    expanded: list[str] = []
    for item in inputs:
        path = Path(item)
        if not is_url(item) and path.is_dir():
            expanded.extend(
                str(found)
                for found in sorted(path.rglob("*"))
                if found.is_file() and not _skipped(found.relative_to(path))
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


def read_one(item: str, limits: Limits) -> Iterator[Document | Failure]:
    """Everything one file or URL holds; a broken input yields one Failure and nothing else."""
    try:
        if is_url(item):
            data, final_url = fetch(item, limits)
            yield from read_bytes(data, item, limits, url=final_url)
            return
        path = Path(item)
        if not path.exists():
            raise InputError(Errors.E017)
        data = raw.read_bytes(path, limits)
        yield from read_bytes(data, item, limits)
    except InputError as exc:
        yield Failure(item, exc.code, exc.reason, exc.record)
    except RecursionError:
        yield Failure(item, "E013", Errors.E013.format(detail="structure nested too deeply"))


def read_bytes(
    data: bytes, source: str, limits: Limits, url: str | None = None
) -> Iterator[Document | Failure]:
    """Detect the format of raw bytes (gunzipping first) and hand them to the right reader."""
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(raw.GZIP_MAGIC):
        data = raw.gunzip(data, limits)
    raw.check_not_empty(data)
    provenance = Provenance(
        input=source, raw_sha256=digest, format="url" if url else "text", ingested_at=now_iso()
    )
    kind = detect(data, source)
    # A WARC holds images and other binary payloads beside its pages; its reader keeps only the
    # HTML responses, so only the other formats must be text as a whole.
    if kind != "warc":
        raw.check_not_binary(data)
    if kind == "warc":
        yield from read_warc(data, replace(provenance, format="warc"), limits)
    elif kind == "feed":
        yield from read_feed(data, replace(provenance, format="feed"), limits)
    else:
        text, encoding = raw.decode(data)
        provenance = replace(provenance, encoding=encoding)
        if kind == "jsonl":
            yield from read_jsonl(text, replace(provenance, format="jsonl"), limits)
        elif kind == "html":
            yield read_html(
                text,
                replace(provenance, format=provenance.format if url else "html"),
                limits,
                url=url,
            )
        else:
            yield read_text(text, provenance, url=url)
