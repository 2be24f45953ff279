"""The JSON API under ``/api/``: the pages' data, with the field names of the CLI's JSON.

A story is ``brief --format json`` for that story (``Briefing.to_json()``), a document is a line
of ``extract --json`` (``Extraction.to_json()``), a claim is an extract claim with the document
it is in. Lists are pages: ``{"total", "limit", "offset", "items"}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from newsledger.model import Briefing, Change, Fact, Speaker, TimelineEntry
from newsledger.web.data import ClaimItem, Page, StorySummary, document_summary
from newsledger.web.pages import (
    LedgerDep,
    Limit,
    Offset,
    Only,
    OptionalName,
    SearchDep,
    extraction_or_404,
    fact_or_404,
    story_or_404,
    story_page_or_404,
)

router = APIRouter(prefix="/api", tags=["api"])


class PageModel(BaseModel):
    """A page of a list (documented shape; items are the CLI's JSON objects)."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class ObjectModel(BaseModel):
    """A JSON object in the shape of the CLI's JSON (see CLI-CONTRACT.md)."""

    model_config = {"extra": "allow"}


_PAGE: dict[int | str, dict[str, Any]] = {200: {"model": PageModel}}
_OBJECT: dict[int | str, dict[str, Any]] = {200: {"model": ObjectModel}}


def _page(page: Page[Any], item: Any) -> JSONResponse:
    return JSONResponse(page.to_json(item))


@router.get("/stories", response_model=None, responses=_PAGE, summary="Stories")
def stories(ledger: LedgerDep, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    found = ledger.stories()
    page = Page(len(found), limit, offset, found[offset : offset + limit])
    return _page(page, StorySummary.to_json)


@router.get("/stories/{story_id}", response_model=None, responses=_OBJECT, summary="A briefing")
def story(story_id: str, ledger: LedgerDep) -> Response:
    """The story's briefing, as ``newsledger brief --story ID --format json`` writes it (made
    once per store version: a big story's is megabytes)."""
    page = story_page_or_404(ledger, story_id)
    body = ledger.rendered(("json", page.brief.id, page.version), lambda: _json(page.briefing))
    return Response(body, media_type="application/json")


def _json(briefing: Briefing) -> str:
    return json.dumps(briefing.to_json(), ensure_ascii=False, separators=(",", ":"))


#: How an item of each part of a story is written: as in the JSON briefing.
_PART_JSON: dict[str, Callable[[Any], Any]] = {
    "facts": Fact.to_json,
    "timeline": TimelineEntry.to_json,
    "people": Speaker.to_json,
    "changes": Change.to_json,
    "documents": document_summary,
}


@router.get(
    "/stories/{story_id}/{part}",
    response_model=None,
    responses=_PAGE,
    summary="A story's figures, timeline, people, changes or documents",
)
def story_part(
    story_id: str,
    part: str,
    ledger: LedgerDep,
    limit: Limit = 100,
    offset: Offset = 0,
    only: Only = None,
) -> JSONResponse:
    """One list of the story's briefing a page at a time (``facts``, ``timeline``, ``people``,
    ``changes``, ``documents``), each item as ``brief --format json`` writes it."""
    story = story_page_or_404(ledger, story_id)
    if part not in _PART_JSON:
        raise HTTPException(404, "A story has facts, timeline, people, changes and documents.")
    items = story.part(part, only)
    page = Page(len(items), limit, offset, list(items[offset : offset + limit]))
    return _page(page, _PART_JSON[part])


@router.get("/facts/{story_id}/{fact_id}", response_model=None, responses=_OBJECT, summary="A fact")
def fact(story_id: str, fact_id: str, ledger: LedgerDep) -> JSONResponse:
    return JSONResponse(fact_or_404(ledger, story_id, fact_id)[1].to_json())


@router.get("/claims", response_model=None, responses=_PAGE, summary="Claims")
def claims(
    ledger: LedgerDep,
    story: OptionalName = None,
    source: OptionalName = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """Stored claims, by publication date; ``source`` also matches an outlet's own claims."""
    if story:
        story = story_or_404(ledger, story).id
    return _page(ledger.claims(story, source or None, limit, offset), ClaimItem.to_json)


@router.get("/documents", response_model=None, responses=_PAGE, summary="Documents")
def documents(
    ledger: LedgerDep, limit: Limit = 100, offset: Offset = 0, outlet: OptionalName = None
) -> JSONResponse:
    """Stored documents in ingest order, or one outlet's by publication date."""
    return _page(ledger.documents(limit, offset, outlet or None), document_summary)


@router.get("/documents/{doc_id}", response_model=None, responses=_OBJECT, summary="A document")
def document(doc_id: str, ledger: LedgerDep) -> JSONResponse:
    """The document with its extraction, as a line of ``extract --json``, and its story."""
    extraction = extraction_or_404(ledger, doc_id)
    return JSONResponse({**extraction.to_json(), "story": ledger.story_of(extraction.document.id)})


@router.get("/sources/{name:path}", response_model=None, responses=_PAGE, summary="A source")
def source(name: str, ledger: LedgerDep, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    found = ledger.source(name, limit, offset)
    if found is None:
        raise HTTPException(404, "Nobody of that name is quoted in this store.")
    return JSONResponse(
        {
            "name": found.name,
            "kind": found.kind,
            **found.claims.to_json(ClaimItem.to_json),
            "documents": [document_summary(d) for d in found.documents.items],
            "document_count": found.documents.total,
        }
    )


@router.get("/search", response_model=None, responses=_PAGE, summary="Full-text search")
def search(ledger: LedgerDep, asked: SearchDep) -> JSONResponse:
    """Documents and claims holding every word of ``q``, best first."""
    results = ledger.search(asked.q, asked.filters, asked.limit, asked.offset)
    page = Page(results.total, asked.limit, asked.offset, results.hits)
    return JSONResponse({**page.to_json(lambda h: h.to_json()), "terms": list(results.terms)})


@router.get("/map/{story_id}", response_model=None, responses=_OBJECT, summary="A story's places")
def places(story_id: str, ledger: LedgerDep) -> JSONResponse:
    summary = story_or_404(ledger, story_id)
    return JSONResponse(
        {"story": summary.id, "places": [p.to_json() for p in ledger.places(summary.id)]}
    )
