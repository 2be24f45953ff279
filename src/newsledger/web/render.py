"""Pages from templates, and the URLs pages link with.

One Jinja environment with autoescape on for every template (the ``.j2`` suffix would not turn
it on by itself) and undefined names as errors, so a template can neither print raw article
text nor silently print nothing. URLs are built here, with every path segment percent-encoded
(a name may hold ``/``, ``?`` or ``#``) and every query string made by ``urlencode``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from newsledger.report.escape import safe_url
from newsledger.report.view import SourceItem, more
from newsledger.report.words import plural


def segment(value: str) -> str:
    """One path segment, percent-encoded, slashes included."""
    return quote(value, safe="")


def query(params: dict[str, Any]) -> str:
    """``?a=1&b=2`` of the parameters that are set, or nothing."""
    kept = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items() if v}
    return "?" + urlencode(kept) if kept else ""


def story_url(story: str) -> str:
    return f"/stories/{segment(story)}"


def part_url(story: str, part: str, offset: int = 0, **params: Any) -> str:
    """A page of a story's figures, timeline, people, changes or documents."""
    return f"{story_url(story)}/{segment(part)}" + query({**params, "offset": str(offset or "")})


def fact_url(story: str, fact: str, offset: int = 0) -> str:
    """A fact's page; with an offset, the page of its citations starting there."""
    return f"/facts/{segment(story)}/{segment(fact)}" + query({"offset": str(offset or "")})


def source_url(name: str) -> str:
    return f"/sources/{segment(name)}"


def map_url(story: str) -> str:
    return f"/map/{segment(story)}"


def document_url(doc_id: str, start: int | None = None, end: int | None = None) -> str:
    """A document page; with offsets, the page marks that span and scrolls to it."""
    url = f"/documents/{segment(doc_id)}"
    if start is not None and end is not None and 0 <= start < end:
        return url + query({"start": str(start), "end": str(end)}) + "#cited"
    return url


def cite_url(item: SourceItem) -> str:
    """Where a citation of the briefing leads: its span, marked in its article."""
    return document_url(item.document, item.start, item.end)


def documents_url(outlet: str | None = None, offset: int = 0) -> str:
    """The documents page, or one outlet's documents on it."""
    return "/documents" + query({"outlet": outlet, "offset": str(offset or "")})


def search_url(**params: Any) -> str:
    return "/search" + query(params)


def page_url(request: Request, offset: int) -> str:
    """The same page of a list at another offset, every other parameter kept."""
    params = {k: v for k, v in request.query_params.multi_items() if k != "offset"}
    params["offset"] = str(offset) if offset else ""
    return request.url.path + query(params)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newsledger.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(plural=plural, more=more)
    env.globals.update(
        story_url=story_url,
        part_url=part_url,
        fact_url=fact_url,
        source_url=source_url,
        map_url=map_url,
        document_url=document_url,
        cite_url=cite_url,
        search_url=search_url,
        documents_url=documents_url,
        page_url=page_url,
        safe_url=safe_url,
    )
    return env


ENVIRONMENT = _environment()


def render(template: str, **context: Any) -> str:
    """``templates/<template>`` rendered with ``context``."""
    return ENVIRONMENT.get_template(template).render(**context)


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page rendered from ``templates/<template>``; ``request`` is there for the page's URL."""
    return HTMLResponse(render(template, request=request, **context), status_code=status_code)
