"""Downloads: a story's briefing from the report stage, and a fact's values as CSV.

The briefing files are exactly what ``newsledger brief`` writes (``report.render``), sent as
attachments: the HTML briefing carries its own inline styles and CSP for reading offline, so
it is saved, not shown inside this app. CSV cells that a spreadsheet would read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Literal

from fastapi import APIRouter, Response

from newsledger.model import Briefing, Fact
from newsledger.report import Format, render
from newsledger.web.data import BUILDING
from newsledger.web.pages import LedgerDep, fact_or_404, story_page_or_404

router = APIRouter(tags=["downloads"])

MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}
CSV_COLUMNS = (
    "value", "low", "high", "unit", "as_of", "status",
    "source", "outlet", "document", "start", "end",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def attachment(content: str, media_type: str, filename: str) -> Response:
    filename = _FILENAME_UNSAFE.sub("_", filename)
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/stories/{story_id}/brief.{fmt}", summary="Download a story's briefing")
def brief(story_id: str, fmt: Literal["md", "html", "json"], ledger: LedgerDep) -> Response:
    """The briefing as ``newsledger brief --story ID --format md|html|json`` writes it."""
    story = story_page_or_404(ledger, story_id)
    key = ("brief", fmt, story.brief.id, story.version)  # charts take seconds: made once
    content = ledger.rendered(key, lambda: _render(story.briefing, fmt))
    return attachment(content, MEDIA_TYPES[fmt], f"brief-{story.brief.id[:12]}.{fmt}")


def _render(briefing: Briefing, fmt: Format) -> str:
    with BUILDING:  # matplotlib's settings are process-wide
        return render(briefing, fmt)


@router.get("/facts/{story_id}/{fact_id}.csv", summary="Download a fact's values as CSV")
def fact_csv(story_id: str, fact_id: str, ledger: LedgerDep) -> Response:
    _, fact, _ = fact_or_404(ledger, story_id, fact_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([cell(v) for v in row] for row in fact_rows(fact))
    return attachment(out.getvalue(), "text/csv; charset=utf-8", f"fact-{fact.id[:16]}.csv")


def fact_rows(fact: Fact) -> Iterator[tuple[object, ...]]:
    """One row per value and source: a value cited by three outlets is three rows."""
    for v in fact.values:
        for c in v.sources:
            yield (
                v.value, v.low, v.high, v.unit, v.as_of, fact.status,
                c.source, c.outlet, c.document, c.start, c.end,
            )  # fmt: skip


def cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: formulas from article text are defused.

    Numbers we format ourselves are left alone (a negative figure stays a number).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
