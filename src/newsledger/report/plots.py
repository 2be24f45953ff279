"""Charts for a briefing: one fact's values over time, and each fact's outlets against origins.

Drawn with matplotlib's object API (``Figure``, no pyplot): nothing global is switched, no GUI
or display is needed, and no figure outlives its chart. Output is SVG, kept small (text stays
text) and stable (a fixed hash salt, no date stamp), so the same briefing gives the same bytes.
Article text (labels, outlet names) is only ever chart text, which matplotlib escapes as XML;
mathtext is off so "$400M–$600M" is money, not a formula.
"""

from __future__ import annotations

import io
import statistics
import warnings
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.typing import RcKeyType

from newsledger.model import Fact, FactValue
from newsledger.report.escape import clean_text
from newsledger.report.words import UNFIRM, bounds, format_number

STYLE: dict[RcKeyType, Any] = {
    "svg.hashsalt": "newsledger",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": "DejaVu Sans",
    "font.size": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
WIDTH = 6.4
#: Markers of one value's outlets are spread this many days apart so none hides another.
SPREAD_DAYS = 0.12
#: At most this many date ticks; more would overlap at this width.
MAX_TICKS = 8
UNKNOWN_OUTLET = "unknown outlet"


def values_chart(fact: Fact, most: int | None = None) -> bytes | None:
    """A fact's values over time: a dot per outlet, a bar for a range, words for vague values.

    Speculative and denied values are hollow (a denied one a cross) with a dashed range, so a
    disputed figure shows at a glance; "at least"/"up to" bounds are triangles pointing the
    open way. ``None`` when there are fewer than two values or none can be dated.

    A fact with more than ``most`` values (a figure reported thousands of times) is drawn day
    by day instead (:func:`_daily`): a chart of every reading would grow with every report and
    show nothing but ink.
    """
    dated = [(day, v) for v in fact.values if (day := value_day(v)) is not None]
    if len(fact.values) < 2 or not dated:
        return None
    first = min(day for day, _ in dated)
    if most is not None and len(fact.values) > most:
        return _daily(fact, dated, first)
    outlets = sorted({o for v in fact.values for o in _outlets(v)})
    colours = {o: f"C{i % 10}" for i, o in enumerate(outlets)}
    with rc_context(STYLE):
        fig = Figure(figsize=(WIDTH, 2.6))
        ax = fig.add_subplot()
        for day, v in dated:
            names = _outlets(v)
            for k, outlet in enumerate(names):
                x = (day - first).days + (k - (len(names) - 1) / 2) * SPREAD_DAYS
                _draw_value(ax, x, v, colours[outlet])
        _values_axes(ax, fact, sorted({day for day, _ in dated}), first)
        if len(dated) < len(fact.values):
            ax.text(1.0, 1.02, f"{len(fact.values) - len(dated)} undated value(s) not shown",
                    transform=ax.transAxes, ha="right", fontsize=6)  # fmt: skip
        ax.legend(
            handles=[*_outlet_handles(colours), *_style_handles(fact.values)],
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=6,
        )
        return _svg(fig)


def _daily(fact: Fact, dated: Sequence[tuple[date, FactValue]], first: date) -> bytes:
    """Each day's firm readings as one bar from the lowest to the highest, with a dot at the
    median; the unfirm and vague ones counted in the title. Its size grows with days, not with
    reports."""
    by_day: dict[date, list[float]] = {}
    for day, v in dated:
        if v.certainty not in UNFIRM and not v.vague and bounds(v):
            by_day.setdefault(day, []).extend(bounds(v))
    with rc_context(STYLE):
        fig = Figure(figsize=(WIDTH, 2.6))
        ax = fig.add_subplot()
        for day, numbers in sorted(by_day.items()):
            x = (day - first).days
            ax.plot([x, x], [min(numbers), max(numbers)], color="C0", linewidth=2.5, marker="_")
            _marker(ax, x, statistics.median(numbers), "o", "C0", "C0")
        days = sorted({day for day, _ in dated})
        _values_axes(ax, fact, days, first)
        firm = sum(len(n) > 0 for n in by_day.values())
        note = (
            f"{len(fact.values):,} values: each day's firm readings, lowest to highest, median dot"
        )
        ax.text(1.0, 1.02, note if firm else f"{len(fact.values):,} values, none firm",
                transform=ax.transAxes, ha="right", fontsize=6)  # fmt: skip
        return _svg(fig)


def sources_chart(facts: Sequence[Fact]) -> bytes | None:
    """Outlets against independent origins per fact: a long bar over a short one is an echo."""
    if not facts:
        return None
    rows = range(len(facts))
    with rc_context(STYLE):
        fig = Figure(figsize=(WIDTH, 0.9 + 0.3 * len(facts)))
        ax = fig.add_subplot()
        outlets = [len(f.outlets) for f in facts]
        origins = [len(f.origins) for f in facts]
        ax.barh([r - 0.2 for r in rows], outlets, height=0.38, color="C0", label="outlets")
        ax.barh([r + 0.2 for r in rows], origins, height=0.38, color="C2", label="origins")
        ax.set_yticks(
            list(rows), [_short(clean_text(f.label) or clean_text(f.what)) for f in facts]
        )
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title("Outlets and independent origins per figure", loc="left", fontsize=8)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=6)
        return _svg(fig)


def value_day(v: FactValue) -> date | None:
    """The day a value is plotted at: its as-of date, else its earliest source's date."""
    for text in (v.as_of, *sorted(c.published for c in v.sources if c.published)):
        day = parse_day(text)
        if day is not None:
            return day
    return None


def parse_day(text: str | None) -> date | None:
    """The first day of an ISO date at any granularity ("2025-03", "2025", a range "a/b")."""
    head = (text or "").split("/")[0].strip()[:10]
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    return None


def _outlets(v: FactValue) -> list[str]:
    names = {_short(clean_text(c.outlet)) or UNKNOWN_OUTLET for c in v.sources}
    return sorted(names) or [UNKNOWN_OUTLET]


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _draw_value(ax: Axes, x: float, v: FactValue, colour: str) -> None:
    """One outlet's marker(s) for one value, in the style that says how firm it is."""
    unfirm = v.certainty in UNFIRM
    face = "white" if unfirm else colour
    if v.low is not None and v.high is not None:
        ax.plot([x, x], [v.low, v.high], color=colour, linestyle="--" if unfirm else "-",
                linewidth=2.5, marker="_", markersize=7)  # fmt: skip
    elif v.low is not None:
        _marker(ax, x, v.low, "^", colour, face)
    elif v.high is not None:
        _marker(ax, x, v.high, "v", colour, face)
    if v.value is not None:
        _marker(ax, x, v.value, "X" if v.certainty == "denied" else "o", colour, face)
    if unfirm and bounds(v):
        ax.annotate(v.certainty, (x, max(bounds(v))), xytext=(4, 2), textcoords="offset points",
                    fontsize=6, color=colour, style="italic")  # fmt: skip
    if v.vague:
        ax.annotate(_short(f"“{clean_text(v.text)}”", 40), (x, 0.03),
                    xycoords=("data", "axes fraction"), ha="center", va="bottom",
                    fontsize=6, color=colour, style="italic")  # fmt: skip


def _marker(ax: Axes, x: float, y: float, marker: str, colour: str, face: str) -> None:
    ax.plot([x], [y], linestyle="none", marker=marker, markersize=5.5, color=colour,
            markerfacecolor=face, markeredgewidth=1.2)  # fmt: skip


def _values_axes(ax: Axes, fact: Fact, days: list[date], first: date) -> None:
    """Title, a day axis padded a day each side, numbers written as the tables write them."""
    ax.set_title(_short(clean_text(fact.label) or clean_text(fact.what), 70), loc="left",
                 fontsize=8)  # fmt: skip
    ax.set_xlim(-1, (days[-1] - first).days + 1)
    step = -(-len(days) // MAX_TICKS)
    ticks = days[::step]
    ax.set_xticks(
        [(d - first).days for d in ticks],
        [d.strftime("%d %b") + ("\n" + str(d.year) if i == 0 else "") for i, d in enumerate(ticks)],
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: format_number(y)))
    numbers = [x for v in fact.values for x in bounds(v)]
    if numbers and min(numbers) >= 0:
        ax.set_ylim(bottom=0, top=max(numbers) * 1.15 or 1)


def _outlet_handles(colours: dict[str, str]) -> list[Line2D]:
    return [
        Line2D([], [], color=c, marker="o", linestyle="none", label=o) for o, c in colours.items()
    ]


def _style_handles(values: Sequence[FactValue]) -> list[Line2D]:
    """Legend entries for the marker styles this chart uses, and only those."""
    wanted = [
        ("o", "white", "speculative / denied", any(v.certainty in UNFIRM for v in values)),
        ("^", "grey", "at least", any(v.low is not None and v.high is None for v in values)),
        ("v", "grey", "up to", any(v.high is not None and v.low is None for v in values)),
    ]
    return [
        Line2D([], [], color="grey", marker=m, markerfacecolor=face, linestyle="none", label=text)
        for m, face, text, used in wanted
        if used
    ]


def _svg(fig: Figure) -> bytes:
    """The figure as SVG. Text stays text, so a glyph our layout font lacks (CJK, emoji) is
    still drawn by the viewer's fonts; matplotlib's warning about it is only noise here."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()
