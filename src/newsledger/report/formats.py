"""Rendering the view as Markdown, HTML or JSON, and writing it with its charts.

The two Jinja environments differ only in how they make article text inert: HTML by Jinja's
autoescape, Markdown by a ``finalize`` hook that passes every printed value through
:func:`md_escape`, so a template cannot forget to escape. Markdown that must stay Markdown
(citation markers, links, image paths) is built by the filters below from escaped parts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from newsledger.model import Briefing
from newsledger.report import Format
from newsledger.report.escape import MdSafe, md_escape, safe_url
from newsledger.report.view import BriefingView, Capped, Ref, build, more
from newsledger.report.words import plural

_ASSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.svg")


def render_format(
    briefing: Briefing, fmt: Format, assets_dir: Path | None, prefix: str
) -> tuple[str, list[Path]]:
    """The briefing in one format, and the chart files written for it (Markdown only)."""
    if fmt == "json":
        return json.dumps(briefing.to_json(), indent=2, ensure_ascii=False) + "\n", []
    if fmt == "html":
        view = build(briefing, with_plots=True, asset_prefix=prefix)
        return _HTML.get_template("briefing.html.j2").render(b=view), []
    if fmt == "md":
        view = build(briefing, with_plots=assets_dir is not None, asset_prefix=prefix)
        assets = _write_plots(view, assets_dir) if assets_dir is not None else []
        return _MD.get_template("briefing.md.j2").render(b=view), assets
    raise ValueError(f"unknown briefing format {fmt!r}: expected md, html or json")


def _write_plots(view: BriefingView, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for plot in view.plots:
        path = folder / plot.name
        path.write_bytes(plot.svg)
        paths.append(path)
    return paths


# --- Markdown filters -------------------------------------------------------------------------


def md_cites(refs: Capped[Ref]) -> MdSafe:
    """ "(Outlet, 2024-10-31)[^3]" for each citation: a footnote into the Sources list; and
    how many more there are, when the line shows only the first."""
    if not refs and not refs.more:
        return MdSafe("(no source)")
    shown = " ".join(f"({md_escape(r.label)})[^{r.number}]" for r in refs)
    return MdSafe(shown + (" " + more(refs, "citation") if refs.more else ""))


def md_autolink(url: str) -> MdSafe:
    """ "<https://…>", re-vetted: inside an autolink nothing can be escaped, so it must be clean."""
    vetted = safe_url(url)
    return MdSafe(f"<{vetted}>") if vetted else MdSafe("")


def md_asset(name: str) -> MdSafe:
    """A chart's file name as an image path; only names this package makes are let through."""
    if not _ASSET_NAME.fullmatch(name):
        raise ValueError(f"not a chart file name: {name!r}")
    return MdSafe(name)


def md_marks(words: Sequence[str]) -> MdSafe:
    """ " (vague, speculative)" after a figure, or nothing."""
    return MdSafe(f" ({md_escape(', '.join(words))})" if words else "")


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("newsledger.report", "templates"),
        autoescape=autoescape,  # noqa: S701 - Markdown is escaped by finalize=md_escape instead
        finalize=None if autoescape else md_escape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(plural=plural, more=more)
    return env


_HTML = _environment(autoescape=True)
_MD = _environment(autoescape=False)
_MD.filters.update(marks=md_marks, cites=md_cites, autolink=md_autolink, asset=md_asset)
