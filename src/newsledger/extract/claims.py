"""Claims of a document: every finder run on one parse, figures attached to their claims.

One public entry point, :func:`extract`, takes a :class:`~newsledger.model.Document` and returns an
:class:`~newsledger.model.Extraction` whose every offset indexes ``document.body``. Each finder
works on the same parsed ``Doc``; this module only parses (in bounded chunks, so a 2 MB paragraph
neither exceeds spaCy's limit nor its memory) and attaches figures, dates and places to the claim
whose sentence holds them. A figure no attribution covers becomes a claim of the outlet's own
(``source`` and ``cue`` both ``None``), so no figure is silently dropped.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from spacy.tokens import Doc, Token

from newsledger.config import Limits
from newsledger.errors import InputError
from newsledger.extract import aliases
from newsledger.extract.attribution import (
    find_attributions,
    first_of_joint,
    in_contrast,
    own_certainty,
    strip_titles,
)
from newsledger.extract.entities import find_entities
from newsledger.extract.nlp import get_nlp
from newsledger.extract.places import find_places
from newsledger.extract.quantities import find_quantities, measures_time
from newsledger.extract.times import find_times
from newsledger.ingest import budget
from newsledger.model import (
    Claim,
    Document,
    Entity,
    Extraction,
    Quantity,
    Source,
    SourceKind,
    Span,
)

__all__ = ["extract", "extract_many"]

#: Largest piece parsed at once. Articles are far shorter; a longer body (a dump of tables, a
#: scraped page with no line breaks) is cut at a line or sentence end near this size.
CHUNK_CHARS = 100_000
_BREAK = re.compile(r"\n|(?<=[.!?])\s")

T = TypeVar("T")


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, cut at line or sentence ends when possible."""
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            breaks = [m.end() for m in _BREAK.finditer(text, start + size // 2, end)]
            end = breaks[-1] if breaks else end
        yield start, text[start:end]
        start = end


def shift(item: T, delta: int) -> T:
    """The record with every ``start``/``end`` inside it moved by ``delta``."""
    if delta == 0 or not dataclasses.is_dataclass(item) or isinstance(item, type):
        return item
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(item):
        value = getattr(item, field.name)
        if field.name in {"start", "end"} and isinstance(value, int):
            changes[field.name] = value + delta
        elif isinstance(value, tuple):
            changes[field.name] = tuple(shift(v, delta) for v in value)
        elif dataclasses.is_dataclass(value):
            changes[field.name] = shift(value, delta)
    return dataclasses.replace(item, **changes)


def _inside(item: Any, outer: Claim | Span | Source) -> bool:
    return bool(outer.start <= item.start and item.end <= outer.end)


def _set_aside(doc: Doc, quantities: Sequence[Quantity], claims: Sequence[Claim]) -> set[int]:
    """Figures beside an attribution, outside its content, in a clause of their own: a "while"
    clause ("X reported five deaths, while Y had two") or a clause joined to the cue's by "and"
    ("85% were in favour and on Friday the government announced…"). They are the writer's,
    not the claim's around them."""
    cues = [_token_at(doc, c.cue.start) for c in claims if c.cue is not None]
    aside = set()
    for k, quantity in enumerate(quantities):
        if any(_inside(quantity, c.content) for c in claims):
            continue
        span = doc.char_span(quantity.start, quantity.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        clause = _clause_of(span.root)
        own_cue = any(cue is not None and cue.i == clause.i for cue in cues)
        beside = not own_cue and any(_conjoined(clause, cue) for cue in cues if cue)
        if in_contrast(span.root) or beside:
            aside.add(k)
    return aside


def _token_at(doc: Doc, offset: int) -> Token | None:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _clause_of(tok: Token) -> Token:
    """The verb whose clause a token is in (the token itself if it is one)."""
    while tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _conjoined(clause: Token, cue: Token) -> bool:
    """Whether two clauses are joined as equals ("A happened and B said…")."""
    return clause.i != cue.i and (
        (cue.dep_ == "conj" and cue.head.i == clause.i)
        or (clause.dep_ == "conj" and clause.head.i == cue.i)
    )


def _own_claims(
    doc: Doc, quantities: Sequence[Quantity], claims: Sequence[Claim], aside: set[int]
) -> list[Claim]:
    """A claim of the outlet's own for each sentence with a figure no attribution covers."""
    loose = [
        q for k, q in enumerate(quantities) if k in aside or not any(_inside(q, c) for c in claims)
    ]
    sentences: dict[int, Claim] = {}
    for quantity in loose:
        sentence = doc.char_span(quantity.start, quantity.end, alignment_mode="expand")
        if sentence is None or sentence.sent.start_char in sentences:
            continue
        sent = sentence.sent
        text = sent.text.rstrip()
        span = Span(text, sent.start_char, sent.start_char + len(text))
        sentences[sent.start_char] = Claim(
            text, span.start, span.end, None, None, span, own_certainty(text)
        )
    return list(sentences.values())


def _owner(quantity: Quantity, claims: Sequence[Claim], own_only: bool = False) -> int | None:
    """The one claim a figure belongs to: the narrowest content that holds it, else the
    narrowest claim around it (only the outlet's own with ``own_only``: a figure set aside by
    :func:`_set_aside` is no one else's).

    One sentence often carries several attributions ("the White House said ..., while Zelensky
    put it at ..."); each figure is attributed once, to the claim whose content states it.
    """

    def size(i: int, span: Span | Claim) -> tuple[int, bool, int, int]:
        # equally narrow (a misparse can give two cues one clause, "estimated the number at 90
        # and confirmed seven deaths" none): the nearest cue before the figure, else after it
        cue = claims[i].cue
        after = cue is not None and cue.start > quantity.start
        near = abs(cue.start - quantity.start) if cue is not None else 0
        return (span.end - span.start, after, near, i)

    in_content = [size(i, c.content) for i, c in enumerate(claims) if _inside(quantity, c.content)]
    if in_content:
        return min(in_content)[-1]
    around = [
        size(i, c)
        for i, c in enumerate(claims)
        if _inside(quantity, c) and (c.source is None or not own_only)
    ]
    return min(around)[-1] if around else None


def _attach(
    claims: Sequence[Claim], found: Extraction, quantities: Sequence[Quantity], aside: set[int]
) -> list[Claim]:
    owned: dict[int, list[Quantity]] = {}
    for k, quantity in enumerate(quantities):
        owner = _owner(quantity, claims, own_only=k in aside)
        if owner is not None:
            owned.setdefault(owner, []).append(quantity)
    return [
        dataclasses.replace(
            claim,
            quantities=tuple(owned.get(i, ())),
            when=tuple(t for t in found.times if _inside(t, claim)),
            where=tuple(p for p in found.places if _inside(p, claim)),
        )
        for i, claim in enumerate(claims)
    ]


def _person_named(source: Source, entities: Sequence[Entity]) -> str | None:
    """The canonical name of the person a source mention names ("Ms Ondrasek", "Supt. Owen
    Tallis"): the person entity inside the mention, else one with the same surname."""
    people = [e for e in entities if e.label == "person"]
    inside = [e for e in people if source.start <= e.start and e.end <= source.end]
    name = _the_one_described(source, inside).canonical if inside else None
    if name is not None and strip_titles(name) == name:
        return name
    words = strip_titles(name or source.canonical or source.text).split()
    surname = words[-1] if words else ""
    same = {
        e.canonical
        for e in people
        if e.canonical.split()[-1:] == [surname] and strip_titles(e.canonical) == e.canonical
    }
    # "Ms Ondrasek" is the one Ondrasek named in full; a title alone never makes a name
    return same.pop() if len(same) == 1 else name


def _canonical_source(claim: Claim, entities: Sequence[Entity]) -> Claim:
    """The source under its full name: the person it names, or what the alias table calls it.

    The table also names sources that are no entity at all ("Ukrainian military intelligence"
    is a demonym and two nouns to the model), so the source's own text is looked up too.
    """
    source = claim.source
    if source is None:
        return claim
    person = any(_speaks_as_person(e, source) for e in entities)
    if not person and _someone_from(source.text):  # "Pentagon officials": someone, unnamed
        source = dataclasses.replace(source, kind="unnamed", canonical=None)
    elif source.canonical is None or person:  # "a Pentagon spokesman, Patrick Ryder": Ryder
        source = _named_inside(source, entities)
    if source.kind == "unnamed":
        return dataclasses.replace(claim, source=source)
    known = aliases.lookup(source.canonical or "") or aliases.lookup(source.text)
    if known is None and source.kind == "person":
        known = _person_named(source, entities)
    if known is None:  # keep what _named_inside found
        return dataclasses.replace(claim, source=source)
    return dataclasses.replace(claim, source=dataclasses.replace(source, canonical=known))


def _medium_author(claim: Claim) -> Claim:
    """ "In a statement, the RCMP said": the statement is the RCMP's, under the name the source
    has once resolved; a medium with no named source stays authorless."""
    medium, source = claim.medium, claim.source
    if medium is None or medium.canonical is not None or source is None:
        return claim
    authored = dataclasses.replace(medium, canonical=source.canonical)
    return dataclasses.replace(claim, medium=authored)


def _speaks_as_person(entity: Entity, source: Source) -> bool:
    """A person named in the source phrase, not as the owner of what speaks ("Yoon's office",
    "the office of Prime Minister Lydia Casterman")."""
    if entity.label != "person" or not _inside(entity, source):
        return False
    if "office" in (source.canonical or "").lower():
        return False  # the attribution step named the office after its holder
    after = source.text[entity.end - source.start :]
    return not after.startswith(("'s", "’s", "'", "’"))


_SOURCE_KINDS: dict[str, SourceKind] = {
    "person": "person",
    "government": "government",
    "military": "government",
    "media": "media",
    "organization": "organization",
}


def _named_inside(source: Source, entities: Sequence[Entity]) -> Source:
    """A source phrase that names someone ("a spokesman for the Ministry of Social Affairs",
    "the chamber's president, Anika Strand") is that person, else that body."""
    inside = [
        e
        for e in entities
        if source.start <= e.start
        and e.end <= source.end
        and e.label in _SOURCE_KINDS
        and not _located_in(source, e)
    ]
    people = [e for e in inside if e.label == "person"]
    body = first_of_joint(inside, len(inside) - 1, source.text, source.start) if inside else None
    named = _the_one_described(source, people) if people else body
    if named is None:
        return source
    return dataclasses.replace(source, canonical=named.canonical, kind=_SOURCE_KINDS[named.label])


def _the_one_described(source: Source, people: Sequence[Entity]) -> Entity:
    """Of the people a source phrase names, the one it is about: the name it opens with when a
    description follows after a comma ("Charles Plotena, the mayor of Esperanza, …"), else the
    last ("the chamber's president, Anika Strand"), the earlier ones owning the role."""
    first = people[0]
    after = source.text[first.end - source.start :]
    return first if first.start == source.start and after.startswith(",") else people[-1]


#: Who speaks as one of a body, not for it: "a senior Defense Department official", "U.S.
#: officials", "two intelligence sources" name nobody. A spokesman speaks for the body.
_MEMBERS = frozenset({"official", "source", "officer", "diplomat", "insider", "aide", "analyst"})
_SOME = frozenset({"a", "an", "one", "two", "three", "several", "some", "many", "other", "senior"})


def _someone_from(text: str) -> bool:
    words = text.lower().split()
    if not words:
        return False
    head = words[-1].strip(",.;:")
    plural = head.endswith("s") and head[:-1] in _MEMBERS
    if head not in _MEMBERS and not plural:
        return False
    return words[0] in _SOME or (plural and words[0] not in {"the", "its", "their"})


#: Words before a name inside a source that make it where the source is, not who speaks:
#: "small businesses in Sallow Cross".
_PLACE_PREPOSITIONS = {"in", "near", "around", "across", "outside", "inside"}


def _located_in(source: Source, entity: Entity) -> bool:
    before = source.text[: entity.start - source.start].split()
    return bool(before) and before[-1].lower() in _PLACE_PREPOSITIONS


def _says_something(claim: Claim) -> bool:
    """A content of one bare word ("three are confirmed dead": content "dead") is a participle
    read as a cue, not a statement; quotes are kept whatever their length."""
    text = claim.content.text.strip()
    return len(text.split()) > 1 or text[:1] in "\"“‘'"


def _extract_doc(document: Document, doc: Doc) -> Extraction:
    """Everything found in one parsed piece, offsets relative to that piece."""
    entities = find_entities(doc)
    found = Extraction(
        document,
        entities=tuple(entities),
        times=tuple(find_times(doc, document.published.value)),
        places=tuple(find_places(doc)),
    )
    # durations and ages are measures of time, not figures anyone is quoted for
    quantities = [q for q in find_quantities(doc) if not measures_time(q)]
    claims = [
        _medium_author(_canonical_source(c, entities))
        for c in find_attributions(doc, entities)
        if _says_something(c)
    ]
    aside = _set_aside(doc, quantities, claims)
    claims = [*claims, *_own_claims(doc, quantities, claims, aside)]
    ordered = sorted(claims, key=lambda c: (c.start, c.end))
    return dataclasses.replace(found, claims=tuple(_attach(ordered, found, quantities, aside)))


#: The time budget of one piece, as for reading a document.
EXTRACT_SECONDS = Limits.document_seconds


def _within_budget(document: Document, offset: int, doc: Doc, seconds: float | None) -> Extraction:
    """The piece's extraction, or none (with the reason) when our rules run past ``seconds``
    on it: one pathological text must not stall the batch, and its document is still kept."""
    try:
        return budget.within(seconds, lambda: _extract_doc(document, doc))
    except InputError as exc:
        where = f"characters {offset}-{offset + len(doc.text)}"
        return Extraction(document, problems=(f"extraction of {where} stopped: {exc.reason}",))


def _merge(document: Document, parts: list[tuple[int, Extraction]]) -> Extraction:
    return Extraction(
        document,
        entities=tuple(shift(e, o) for o, part in parts for e in part.entities),
        times=tuple(shift(t, o) for o, part in parts for t in part.times),
        places=tuple(shift(p, o) for o, part in parts for p in part.places),
        claims=tuple(shift(c, o) for o, part in parts for c in part.claims),
        problems=tuple(p for _, part in parts for p in part.problems),
    )


def _pieces(documents: Iterable[Document]) -> Iterator[tuple[Document, int, str]]:
    for document in documents:
        # An empty body still gives one (empty) piece, so every document gets an extraction.
        for offset, text in chunks(document.body) if document.body else [(0, "")]:
            yield document, offset, text


def extract_many(
    documents: Iterable[Document],
    batch_size: int = 8,
    seconds: float | None = None,
) -> Iterator[Extraction]:
    """Extractions of many documents, streamed: parsed with ``nlp.pipe`` in small batches.

    Memory stays flat however many documents come in: only one document's pieces are held.
    ``seconds``: the time our rules may take over one piece (default :data:`EXTRACT_SECONDS`;
    0 for none), enforced in a process's main thread (see :func:`budget.available`).
    """
    seconds = EXTRACT_SECONDS if seconds is None else seconds
    pieces, texts = itertools.tee(_pieces(documents))
    parsed = get_nlp().pipe((text for _, _, text in texts), batch_size=batch_size)
    current: Document | None = None
    parts: list[tuple[int, Extraction]] = []
    for (document, offset, _), doc in zip(pieces, parsed, strict=True):
        if current is not None and document is not current:
            yield _merge(current, parts)
            parts = []
        current = document
        parts.append((offset, _within_budget(document, offset, doc, seconds)))
    if current is not None:
        yield _merge(current, parts)


def extract(document: Document) -> Extraction:
    """Entities, times, places and claims of one document (offsets into its body)."""
    return next(extract_many([document]))  # every document, even an empty one, gives one
