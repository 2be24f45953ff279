"""Building a Document: identity by normalised body, outlet from the URL, provenance stamped."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit

from newsledger.config import Limits
from newsledger.errors import Errors, InputError
from newsledger.model import DateInfo, Document, Failure, Provenance

T = TypeVar("T")

_SPACE = re.compile(r"\s+")
_MIN_BODY_WORDS = 8
_QUOTES = str.maketrans("“”‘’–—", "\"\"''--")


def normalise_body(body: str) -> str:
    """The form two copies of one article share: NFKC, one space, lower case, same quote marks."""
    text = unicodedata.normalize("NFKC", body).lower()
    text = text.translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


def document_id(body: str) -> str:
    return hashlib.sha256(normalise_body(body).encode("utf-8")).hexdigest()


def outlet_from_url(url: str | None) -> str | None:
    """The site's host without ``www.``: a stable outlet key when the page names none."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.").removeprefix("amp.") or None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def build(
    body: str,
    *,
    provenance: Provenance,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    published: DateInfo | None = None,
    updated: DateInfo | None = None,
    author: str | None = None,
    section: str | None = None,
    partial: bool = False,
) -> Document:
    """A Document from what a reader recovered; refuses a body too short to be an article."""
    body = body.strip()
    if len(body.split()) < _MIN_BODY_WORDS:
        raise InputError(Errors.E012, record=provenance.record)
    path = None if "://" in provenance.input else provenance.input
    return Document(
        id=document_id(body),
        body=body,
        title=_clean(title),
        outlet=_clean(outlet) or outlet_from_url(url),
        url=url,
        path=path,
        published=published or DateInfo(None),
        updated=updated or DateInfo(None),
        author=_clean(author),
        section=_clean(section),
        partial=partial,
        provenance=provenance,
    )


def each_record(
    items: Iterable[tuple[int, T]],
    provenance: Provenance,
    limits: Limits,
    make: Callable[[T, Provenance], Document],
) -> Iterator[Document | Failure]:
    """Documents from the numbered records of a container (feed, dump): a bad record becomes a
    Failure with its number and the rest go on; past ``max_records`` the container stops."""
    for count, (number, item) in enumerate(items, start=1):
        if count > limits.max_records:
            yield Failure(provenance.input, "E006", Errors.E006.format(limit=limits.max_records))
            return
        try:
            yield make(item, replace(provenance, record=number))
        except InputError as exc:
            yield Failure(provenance.input, exc.code, exc.reason, number)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _SPACE.sub(" ", value).strip()
    return value or None
