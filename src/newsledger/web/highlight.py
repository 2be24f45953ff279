"""Article text as HTML with spans marked: every piece of text escaped, every tag ours.

Article bodies, titles and names are hostile. A page never inserts them raw: the text is cut at
the offsets of the spans to mark, each piece between two cuts is escaped on its own, and only
``<mark>`` tags made here (classes and ids from a fixed alphabet) go around the pieces. Spans may
nest or overlap (a quantity inside a claim, an entity crossing a cited span); each piece carries
the marks of every span covering it, so the HTML stays well-formed whatever the offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

#: What a class or id made from data (a label, a certainty) may contain.
_TOKEN_UNSAFE = re.compile(r"[^a-z0-9-]")
#: Characters of context either side of a cited span in an excerpt, at most.
CONTEXT_CHARS = 240

#: Layers, outermost first: a claim holds its figures and names, so it wraps them.
CLAIM, CITED, HIT, ENTITY, TIME, QUANTITY = range(6)


def token(text: str | None) -> str:
    """A class or id fragment from data: lower case letters, digits and hyphens only."""
    return _TOKEN_UNSAFE.sub("-", (text or "").lower()).strip("-") or "x"


@dataclass(frozen=True)
class Mark:
    """A span to mark: offsets into the text, its layer, classes, and optional id and tooltip."""

    start: int
    end: int
    layer: int
    classes: str
    id: str | None = None
    title: str | None = None


def highlight(text: str, marks: Iterable[Mark], offset: int = 0) -> Markup:
    """``text`` escaped, with each mark's stretch wrapped in ``<mark>``.

    ``offset`` is where ``text`` starts in the body the marks' offsets point into (an excerpt);
    marks are clipped to the text, and marks outside it or empty are left out.
    """
    spans = _clip(marks, offset, len(text))
    cuts = sorted({0, len(text), *(m.start for m in spans), *(m.end for m in spans)})
    pieces = []
    for a, b in pairwise(cuts):
        piece = escape(text[a:b])
        covering = [m for m in spans if m.start <= a and b <= m.end]
        for mark in sorted(covering, key=lambda m: (m.layer, m.start), reverse=True):
            piece = _wrap(piece, mark, first=mark.start == a)
        pieces.append(piece)
    return Markup("").join(pieces)


def _clip(marks: Iterable[Mark], offset: int, length: int) -> list[Mark]:
    clipped = []
    for m in marks:
        start, end = max(m.start - offset, 0), min(m.end - offset, length)
        if start < end:
            first = m.start - offset >= 0
            clipped.append(Mark(start, end, m.layer, m.classes, m.id if first else None, m.title))
    return clipped


def _wrap(piece: Markup, mark: Mark, first: bool) -> Markup:
    """One ``<mark>`` around a piece; the id only on the span's first piece, so it is unique."""
    attrs = Markup(' class="{}"').format(mark.classes)
    if first and mark.id:
        attrs += Markup(' id="{}"').format(mark.id)
    if mark.title:
        attrs += Markup(' title="{}"').format(mark.title)
    return Markup("<mark{}>{}</mark>").format(attrs, piece)


@dataclass(frozen=True)
class Excerpt:
    """A stretch of a body around a span, for showing a quote in its sentence and paragraph."""

    start: int
    end: int
    text: str
    cut_before: bool
    cut_after: bool


def excerpt(body: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Excerpt:
    """The paragraph holding ``[start, end)``, cut at word boundaries ``context`` chars either side.

    A reader checking a citation needs the sentence it sits in, not the whole article; the
    paragraph is the natural unit, and the cap keeps a wall of text from swallowing the page.
    """
    start, end = max(0, min(start, len(body))), max(0, min(end, len(body)))
    para_start = body.rfind("\n", 0, start) + 1
    para_end = body.find("\n", end)
    para_end = len(body) if para_end < 0 else para_end
    lo, hi = max(para_start, start - context), min(para_end, end + context)
    if lo > para_start:  # start at a word
        space = body.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < para_end:
        space = body.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    return Excerpt(lo, hi, body[lo:hi], lo > para_start, hi < para_end)


def term_marks(text: str, terms: Sequence[str], offset: int = 0) -> list[Mark]:
    """Marks on the words of ``text`` that start with a search term (a stemmed match shows)."""
    if not terms:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    return [Mark(m.start() + offset, m.end() + offset, HIT, "hit") for m in pattern.finditer(text)]
