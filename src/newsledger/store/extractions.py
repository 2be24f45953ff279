"""Writing and reading what the extract stage found, as rows of the extraction tables.

Claims keep their figures as rows of ``quantities``; their dates and places are the document's
times and places inside the claim's span, which is how the extract stage attached them, so they
are not stored twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from newsledger.model import (
    Claim,
    Document,
    Entity,
    Extraction,
    Place,
    Quantity,
    Source,
    Span,
    TimeExpr,
)
from newsledger.store.schema import claims, entities, places, quantities, times


def _span(item: Any) -> dict[str, Any]:
    return {"start_char": item.start, "end_char": item.end, "text": item.text}


def _optional_span(prefix: str, span: Span | Source | None) -> dict[str, Any]:
    return {
        f"{prefix}_start": span.start if span else None,
        f"{prefix}_end": span.end if span else None,
        f"{prefix}_text": span.text if span else None,
    }


def _claim_row(doc_id: str, claim: Claim) -> dict[str, Any]:
    return {
        "document_id": doc_id,
        **_span(claim),
        **_optional_span("source", claim.source),
        "source_kind": claim.source.kind if claim.source else None,
        "source_canonical": claim.source.canonical if claim.source else None,
        **_optional_span("cue", claim.cue),
        "content_start": claim.content.start,
        "content_end": claim.content.end,
        "content_text": claim.content.text,
        "certainty": claim.certainty,
        **_optional_span("medium", claim.medium),
        "medium_canonical": claim.medium.canonical if claim.medium else None,
    }


def _quantity_row(doc_id: str, claim_id: int, quantity: Quantity) -> dict[str, Any]:
    return {
        "document_id": doc_id,
        "claim_id": claim_id,
        **_span(quantity),
        "value": quantity.value,
        "low": quantity.low,
        "high": quantity.high,
        "approximate": quantity.approximate,
        "vague": quantity.vague,
        "unit": quantity.unit,
        "counted": quantity.counted,
        "per": quantity.per,
    }


def _insert_rows(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(insert(table), rows)


def save(connection: Connection, extraction: Extraction) -> None:
    """All rows of one extraction, on the caller's transaction."""
    doc_id = extraction.document.id
    _insert_rows(
        connection,
        entities,
        [
            {
                "document_id": doc_id,
                **_span(e),
                "label": e.label,
                "canonical": e.canonical,
                "role": e.role,
                "country": e.country,
            }
            for e in extraction.entities
        ],
    )
    _insert_rows(
        connection,
        times,
        [
            {"document_id": doc_id, **_span(t), "date": t.date, "granularity": t.granularity}
            for t in extraction.times
        ],
    )
    _insert_rows(
        connection,
        places,
        [
            {
                "document_id": doc_id,
                **_span(p),
                "name": p.name,
                "country_code": p.country_code,
                "lat": p.lat,
                "lon": p.lon,
            }
            for p in extraction.places
        ],
    )
    for claim in extraction.claims:
        result = connection.execute(insert(claims).values(**_claim_row(doc_id, claim)))
        key = result.inserted_primary_key
        assert key is not None  # an INSERT of one row always has its key
        claim_id = int(key[0])
        _insert_rows(
            connection, quantities, [_quantity_row(doc_id, claim_id, q) for q in claim.quantities]
        )


#: Documents whose rows one query fetches (``IN`` lists stay well under every backend's limit).
CHUNK = 500


def _rows(connection: Connection, table: Any, doc_ids: Sequence[str]) -> dict[str, list[Any]]:
    """The table's rows of each document, in insertion order: one query for all of them."""
    query = select(table).where(table.c.document_id.in_(doc_ids)).order_by(table.c.id)
    found: dict[str, list[Any]] = {}
    for row in connection.execute(query).mappings():
        found.setdefault(row["document_id"], []).append(row)
    return found


def _optional(row: Any, prefix: str) -> Span | None:
    if row[f"{prefix}_start"] is None:
        return None
    return Span(row[f"{prefix}_text"], row[f"{prefix}_start"], row[f"{prefix}_end"])


def _claim(row: Any, figures: list[Quantity], found: Extraction) -> Claim:
    source = _optional(row, "source")
    medium = _optional(row, "medium")
    start, end = row["start_char"], row["end_char"]
    return Claim(
        row["text"],
        start,
        end,
        Source(source.text, source.start, source.end, row["source_kind"], row["source_canonical"])
        if source
        else None,
        _optional(row, "cue"),
        Span(row["content_text"], row["content_start"], row["content_end"]),
        row["certainty"],
        quantities=tuple(figures),
        when=tuple(t for t in found.times if start <= t.start and t.end <= end),
        where=tuple(p for p in found.places if start <= p.start and p.end <= end),
        medium=Source(medium.text, medium.start, medium.end, "document", row["medium_canonical"])
        if medium
        else None,
    )


def _quantity(row: Any) -> Quantity:
    return Quantity(
        row["text"],
        row["start_char"],
        row["end_char"],
        row["value"],
        row["low"],
        row["high"],
        row["approximate"],
        row["vague"],
        row["unit"],
        row["counted"],
        row["per"],
    )


def load(connection: Connection, document: Document) -> Extraction:
    """The stored extraction of one document, as the extract stage produced it."""
    return load_many(connection, [document])[0]


def load_many(connection: Connection, documents: Sequence[Document]) -> list[Extraction]:
    """The stored extractions of these documents, in the order given.

    One query per table for every :data:`CHUNK` documents rather than one per table and
    document: a briefing of a story of 1,500 reports spent more time in its 10,000 small
    queries than in everything else.
    """
    found: list[Extraction] = []
    for at in range(0, len(documents), CHUNK):
        chunk = documents[at : at + CHUNK]
        ids = [document.id for document in chunk]
        rows = {table.name: _rows(connection, table, ids) for table in _TABLES}
        found += [
            _extraction(document, {n: r.get(document.id, []) for n, r in rows.items()})
            for document in chunk
        ]
    return found


_TABLES = (entities, times, places, claims, quantities)


def _extraction(document: Document, rows: dict[str, list[Any]]) -> Extraction:
    """One document's extraction from its rows of each table (by table name)."""
    found = Extraction(
        document,
        entities=tuple(
            Entity(
                r["text"],
                r["start_char"],
                r["end_char"],
                r["label"],
                r["canonical"],
                r["role"],
                r["country"],
            )
            for r in rows["entities"]
        ),
        times=tuple(
            TimeExpr(r["text"], r["start_char"], r["end_char"], r["date"], r["granularity"])
            for r in rows["times"]
        ),
        places=tuple(
            Place(
                r["text"],
                r["start_char"],
                r["end_char"],
                r["name"],
                r["country_code"],
                r["lat"],
                r["lon"],
            )
            for r in rows["places"]
        ),
    )
    figures: dict[int, list[Quantity]] = {}
    for row in rows["quantities"]:
        figures.setdefault(row["claim_id"], []).append(_quantity(row))
    found_claims = tuple(_claim(row, figures.get(row["id"], []), found) for row in rows["claims"])
    return Extraction(found.document, found.entities, found.times, found.places, found_claims)
