"""Report: the "What we know" briefing as Markdown, self-contained HTML or JSON.

One entry, :func:`render`, plus :func:`write` for files. Every line that states something
carries a citation to a source span; article text is treated as hostile and made inert in
each format (see :mod:`newsledger.report.escape`).

The renderers (Jinja2, matplotlib: about half a second to import) are loaded on first use, so
importing this package costs a CLI command that does not write a briefing nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from newsledger.model import Briefing

Format = Literal["md", "html", "json"]

__all__ = ["Format", "render", "write"]


def render(briefing: Briefing, fmt: Format, assets_dir: Path | None = None) -> str:
    """The briefing as ``md``, ``html`` or ``json`` text.

    HTML carries its charts inline and needs nothing else. Markdown links its charts as SVG
    files, which are written into ``assets_dir`` (the Markdown is meant to sit in that folder);
    without ``assets_dir`` it has no charts. JSON is ``briefing.to_json()``, the CLI contract.
    """
    from newsledger.report.formats import render_format

    return render_format(briefing, fmt, assets_dir, "briefing")[0]


def write(briefing: Briefing, fmt: Format, out: Path) -> list[Path]:
    """Write the briefing to ``out`` (and, for Markdown, its charts beside it); every path written.

    Chart files are named after ``out`` (``brief.md`` gets ``brief-s1-f1-values.svg``), so two
    briefings in one folder do not overwrite each other's charts.
    """
    from newsledger.report.formats import render_format

    out.parent.mkdir(parents=True, exist_ok=True)
    text, assets = render_format(briefing, fmt, out.parent if fmt == "md" else None, out.stem)
    out.write_text(text, encoding="utf-8")
    return [out, *assets]
