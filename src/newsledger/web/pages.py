"""The HTML pages: each one reads through the ledger and lays the result out in a template.

Every page has a JSON twin in :mod:`newsledger.web.api` over the same ledger calls. The only
work done here is presentation: which spans of an article to mark, and how to cut an excerpt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from newsledger.model import Citation, Claim, Document, Extraction, Fact, FactValue, Quantity
from newsledger.report.escape import clean_text
from newsledger.report.view import (
    FactView,
    Listing,
    Reading,
    Slice,
    change_text,
    event_words,
    fact_label,
    reading,
    speaker_words,
    summarize,
)
from newsledger.report.words import format_number
from newsledger.web import svgmap
from newsledger.web.data import FactFilter, Ledger, Page, StoryPage, StorySummary
from newsledger.web.highlight import (
    CITED,
    CLAIM,
    ENTITY,
    QUANTITY,
    TIME,
    Mark,
    excerpt,
    highlight,
    term_marks,
    token,
)
from newsledger.web.render import page, render
from newsledger.web.search import Filters

router = APIRouter(tags=["pages"])

#: Bounds shared by every list: a page of at most 500, and offsets SQL integers can hold.
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000
MAX_QUERY = 200
MAX_NAME = 500
#: Mentions linked under each place of a story's map; search finds every one.
MAP_MENTIONS = 10


def get_ledger(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


LedgerDep = Annotated[Ledger, Depends(get_ledger)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
OptionalName = Annotated[str | None, Query(max_length=MAX_NAME)]
SearchText = Annotated[str, Query(max_length=MAX_QUERY, description="Words to find (all of them).")]
Day = Annotated[date | None, Query(description="ISO date, e.g. 2025-03-12.")]


def story_or_404(ledger: Ledger, story_id: str) -> StorySummary:
    summary = ledger.story(story_id)
    if summary is None:
        raise HTTPException(404, "No such story in this store.")
    return summary


def story_page_or_404(ledger: Ledger, story_id: str) -> StoryPage:
    found = ledger.story_page(story_or_404(ledger, story_id))
    if found is None:
        raise HTTPException(404, "This story has no briefing yet.")
    return found


def fact_or_404(
    ledger: Ledger, story_id: str, fact_id: str
) -> tuple[StoryPage, Fact, FactView | None]:
    story = story_page_or_404(ledger, story_id)
    found = story.fact(fact_id)
    if found is None:
        raise HTTPException(404, "No such fact in this story.")
    return story, *found


def extraction_or_404(ledger: Ledger, doc_id: str) -> Extraction:
    found = ledger.extraction(doc_id)
    if found is None:
        raise HTTPException(404, "No such document (or the id prefix is ambiguous).")
    return found


# --- pages ---------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse, summary="Stories list")
def stories_page(
    request: Request, ledger: LedgerDep, limit: Limit = 100, offset: Offset = 0
) -> HTMLResponse:
    found = ledger.stories()
    listed = Page(len(found), limit, offset, found[offset : offset + limit])
    return page(request, "stories.j2", stories=listed, documents=ledger.store.count())


@router.get("/stories/{story_id}", response_class=HTMLResponse, summary="A story's briefing")
def story_page(story_id: str, ledger: LedgerDep) -> HTMLResponse:
    """The story's briefing. It depends on the story and the store's version alone (no query
    parameter, nothing of the request), so it is rendered once per version and then served."""
    story = story_page_or_404(ledger, story_id)
    key = ("story", story.brief.id, story.version)
    sources = ledger.known_sources()
    html = ledger.rendered(key, lambda: render("story.j2", page=story, sources=sources))
    return HTMLResponse(html)


@router.get(
    "/facts/{story_id}/{fact_id}", response_class=HTMLResponse, summary="A fact and its claims"
)
def fact_page(
    request: Request,
    story_id: str,
    fact_id: str,
    ledger: LedgerDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> HTMLResponse:
    """Every citation of a fact, value by value, a page at a time; each marked in its article.

    Only the documents cited on this page are read, so a figure cited by thousands of reports
    costs a page of them.
    """
    story, fact, view = fact_or_404(ledger, story_id, fact_id)
    listing = story.fact_listings[fact.id]
    slices = listing.page(offset, limit)
    ids = dict.fromkeys(c.document for part in slices for c in part.citations)
    found = ledger.extractions(list(ids))
    shown = [
        ValueEvidence(
            part,
            reading(part.group, fact),
            [Evidence.of(c, found.get(c.document), part.group.text) for c in part.citations],
        )
        for part in slices
    ]
    return page(
        request,
        "fact.j2",
        page=story,
        fact=fact,
        summary=view or summarize(fact),
        plot=view.plot if view else None,
        values=shown,
        listed=Page(listing.total, limit, offset, shown),
        places=listing.places(offset, limit),
        sources=ledger.known_sources(),
    )


#: What a story's part pages list, and the title of each.
PARTS = {
    "facts": "Figures",
    "timeline": "Timeline",
    "people": "Who said what",
    "changes": "What changed",
    "documents": "Documents",
}
Only = Annotated[
    FactFilter | None, Query(description="Only the open contradictions or single-source figures.")
]


@router.get(
    "/stories/{story_id}/{part}",
    response_class=HTMLResponse,
    summary="A story's figures, timeline, speakers, changes or documents, a page at a time",
)
def story_part_page(
    request: Request,
    story_id: str,
    part: str,
    ledger: LedgerDep,
    limit: Limit = 50,
    offset: Offset = 0,
    only: Only = None,
) -> HTMLResponse:
    """Where a story page's "and K more" leads: the whole list, in the order the story page cut.

    Events, speakers and changes are paged by citation (a group shows the citations on this
    page), figures and documents by item.
    """
    story = story_page_or_404(ledger, story_id)
    if part not in PARTS:
        raise HTTPException(404, "A story has facts, timeline, people, changes and documents.")
    context: dict[str, Any] = {"page": story, "part": part, "title": PARTS[part], "only": only}
    if part in CITED_PARTS:
        listing, words = cited_part(story, part)
        groups = [words(s) for s in listing.page(offset, limit)]
        listed: Page[Any] = Page(listing.total, limit, offset, groups)
        context["places"] = listing.places(offset, limit)
    else:
        items = story.part(part, only)
        shown = items[offset : offset + limit]
        listed = Page(
            len(items),
            limit,
            offset,
            [summarize(f) for f in shown] if part == "facts" else list(shown),
        )
    return page(request, "story_part.j2", listed=listed, sources=ledger.known_sources(), **context)


@dataclass(frozen=True)
class CitedGroup:
    """An event, a speaker or a change on a page of them, worded by the report view, with the
    slice of its citations on this page. ``speaker`` names the source page its title links to."""

    title: str
    detail: str
    speaker: str | None
    part: Slice[Any]


CITED_PARTS = frozenset({"timeline", "people", "changes"})


def cited_part(
    story: StoryPage, part: str
) -> tuple[Listing[Any], Callable[[Slice[Any]], CitedGroup]]:
    """The listing of a part paged by citation, and how one of its groups is worded."""
    if part == "timeline":

        def event(s: Slice[Any]) -> CitedGroup:
            day, text = event_words(s.group)
            return CitedGroup(text, day, None, s)

        return story.timeline, event
    if part == "people":

        def speaker(s: Slice[Any]) -> CitedGroup:
            name, kind, aliases = speaker_words(s.group)
            detail = kind + (f"; also {', '.join(aliases)}" if aliases else "")
            return CitedGroup(name, detail, s.group.name, s)

        return story.people, speaker
    labels = {f.id: fact_label(f) for f in (*story.brief.facts, *story.brief.contradictions)}
    return story.changes, lambda s: CitedGroup(change_text(s.group, labels), "", None, s)


@router.get("/sources/{name:path}", response_class=HTMLResponse, summary="What a source said")
def source_page(
    request: Request, name: str, ledger: LedgerDep, limit: Limit = 100, offset: Offset = 0
) -> HTMLResponse:
    found = ledger.source(name, limit, offset)
    if found is None:
        raise HTTPException(404, "Nobody of that name is quoted in this store.")
    # titles from the store: the briefing's own would need every story briefed
    titles = {s.id: s.title for s in ledger.summaries(fresh=False)}
    return page(request, "source.j2", source=found, titles=titles)


@router.get("/documents", response_class=HTMLResponse, summary="Stored documents")
def documents_page(
    request: Request,
    ledger: LedgerDep,
    limit: Limit = 50,
    offset: Offset = 0,
    outlet: OptionalName = None,
) -> HTMLResponse:
    found = ledger.documents(limit, offset, outlet or None)
    return page(request, "documents.j2", documents=found, outlet=outlet or None)


@router.get("/documents/{doc_id}", response_class=HTMLResponse, summary="A document, marked up")
def document_page(
    request: Request,
    doc_id: str,
    ledger: LedgerDep,
    start: Annotated[
        int | None, Query(ge=0, le=MAX_OFFSET, description="Cited span start.")
    ] = None,
    end: Annotated[int | None, Query(ge=0, le=MAX_OFFSET, description="Cited span end.")] = None,
) -> HTMLResponse:
    extraction = extraction_or_404(ledger, doc_id)
    cited = cited_span(extraction.document, start, end)
    body = highlight(extraction.document.body, document_marks(extraction, cited))
    story = ledger.story_of(extraction.document.id)
    return page(
        request,
        "document.j2",
        extraction=extraction,
        document=extraction.document,
        body=body,
        cited=cited,
        story=ledger.story(story) if story else None,
        sources=ledger.known_sources(),
    )


@router.get("/map/{story_id}", response_class=HTMLResponse, summary="A story's places on a map")
def map_page(request: Request, story_id: str, ledger: LedgerDep) -> HTMLResponse:
    summary = story_or_404(ledger, story_id)
    places = ledger.places(summary.id)
    return page(
        request,
        "map.j2",
        story=summary,
        places=places,
        svg=svgmap.draw(places),
        mentions_shown=MAP_MENTIONS,
    )


@dataclass(frozen=True)
class SearchRequest:
    """The search parameters the page and the API share."""

    q: str
    filters: Filters
    limit: int
    offset: int


def search_request(
    q: SearchText = "",
    story: OptionalName = None,
    source: OptionalName = None,
    outlet: OptionalName = None,
    since: Day = None,
    until: Day = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> SearchRequest:
    filters = Filters(story or None, source or None, outlet or None, since, until)
    return SearchRequest(q, filters, limit, offset)


SearchDep = Annotated[SearchRequest, Depends(search_request)]


@router.get("/search", response_class=HTMLResponse, summary="Search documents and claims")
def search_page(request: Request, ledger: LedgerDep, asked: SearchDep) -> HTMLResponse:
    q, filters, limit, offset = asked.q, asked.filters, asked.limit, asked.offset
    results = ledger.search(q, filters, limit, offset)
    shown = [
        (hit, highlight(hit.text, term_marks(hit.text, results.terms))) for hit in results.hits
    ]
    return page(
        request,
        "search.j2",
        q=q,
        filters=filters,
        results=results,
        shown=shown,
        results_page=Page(results.total, limit, offset, results.hits),
        offset=offset,
        stories=ledger.stories(),
    )


# --- presentation helpers ------------------------------------------------------------------------


def cited_span(document: Document, start: int | None, end: int | None) -> tuple[int, int] | None:
    """The span a citation link asks to mark; both offsets or neither, inside the body."""
    if start is None and end is None:
        return None
    if start is None or end is None or not 0 <= start < end <= len(document.body):
        raise HTTPException(422, "start and end must be given together, inside the document.")
    return start, end


def document_marks(extraction: Extraction, cited: tuple[int, int] | None) -> list[Mark]:
    """Claims (with their sources and figures), entities, dates, and the cited span."""
    marks: list[Mark] = []
    for number, claim in enumerate(extraction.claims):
        who = claim.source.canonical or claim.source.text if claim.source else None
        said = who or ("unnamed source" if claim.cue else "the outlet")
        marks.append(
            Mark(
                claim.start,
                claim.end,
                CLAIM,
                f"claim certainty-{token(claim.certainty)}",
                f"claim-{number}",
                clean_text(f"{said} ({claim.certainty})"),
            )
        )
        if claim.source:
            marks.append(Mark(claim.source.start, claim.source.end, ENTITY, "source"))
        marks.extend(
            Mark(q.start, q.end, QUANTITY, "quantity", None, figure_title(q))
            for q in claim.quantities
        )
    marks.extend(
        Mark(
            e.start,
            e.end,
            ENTITY,
            f"entity entity-{token(e.label)}",
            None,
            clean_text(f"{e.label}: {e.canonical}"),
        )
        for e in extraction.entities
    )
    marks.extend(
        Mark(t.start, t.end, TIME, "time", None, clean_text(t.date) or "date not resolved")
        for t in extraction.times
    )
    if cited:
        marks.append(Mark(cited[0], cited[1], CITED, "cited", "cited", "the cited span"))
    return marks


def figure_title(quantity: Quantity) -> str:
    """A figure's reading in a few words, for the tooltip of its mark."""
    low, high = quantity.low, quantity.high
    if quantity.vague:
        reading = "vague"
    elif quantity.value is not None:
        reading = format_number(quantity.value)
    elif low is not None and high is not None:
        reading = f"{format_number(low)} to {format_number(high)}"
    elif low is not None:
        reading = f"at least {format_number(low)}"
    elif high is not None:
        reading = f"up to {format_number(high)}"
    else:
        reading = "no number"
    per = f"per {quantity.per}" if quantity.per else None
    return clean_text(" ".join(x for x in (reading, quantity.unit, per) if x))


@dataclass(frozen=True)
class Evidence:
    """One citation of a fact's value as the fact page shows it: the sentence in its paragraph."""

    citation: Citation
    document: Document | None
    html: Markup
    found: bool

    @classmethod
    def of(cls, citation: Citation, extraction: Extraction | None, figure: str) -> Evidence:
        """The cited span marked inside the claim that states it, in its paragraph.

        A citation points at the figure; the reader needs the sentence around it (the claim,
        with who said it), so the claim holding the span is marked too. When the offsets do not
        hold the quote (another version of the body), the quote is shown alone and flagged:
        context from the wrong place would mislead.
        """
        document = extraction.document if extraction else None
        body = document.body if document else ""
        start, end = citation.start, citation.end
        if not (0 <= start < end <= len(body)) or clean_text(body[start:end]) != clean_text(
            citation.quote
        ):
            return cls(citation, document, highlight(clean_text(citation.quote), []), False)
        marks = [Mark(start, end, CITED, "cited")]
        claim = _claim_around(extraction.claims if extraction else (), start, end)
        if claim is not None:
            marks.append(Mark(claim.start, claim.end, CLAIM, "claim"))
        at = body.find(figure, start, end) if figure else -1
        if at >= 0:
            marks.append(Mark(at, at + len(figure), QUANTITY, "quantity"))
        cut = excerpt(body, claim.start if claim else start, claim.end if claim else end)
        html = highlight(cut.text, marks, cut.start)
        html = (Markup("… ") if cut.cut_before else Markup("")) + html
        return cls(citation, document, html + (Markup(" …") if cut.cut_after else ""), True)


def _claim_around(claims: Sequence[Claim], start: int, end: int) -> Claim | None:
    """The shortest claim whose span holds ``[start, end)``."""
    holding = [c for c in claims if c.start <= start and end <= c.end]
    return min(holding, key=lambda c: c.end - c.start, default=None)


@dataclass(frozen=True)
class ValueEvidence:
    """A value of a fact on one page of the fact's citations: which value and which of its
    citations (``part``), how the briefing words it, and each citation in its article."""

    part: Slice[FactValue]
    reading: Reading
    evidence: list[Evidence]
