"""How figures are worded in a briefing: numbers, units, ranges and how firm a value is.

Shared by the view (for both formats) and the charts (axis labels), so a figure reads the same
in a table, a contradiction and a plot.
"""

from __future__ import annotations

from newsledger.model import FactValue
from newsledger.report.escape import clean_text

#: Certainties worth a word beside a value; "reported" is the plain case and says nothing.
CERTAINTY_MARKS = {
    "confirmed": "confirmed",
    "estimated": "estimated",
    "speculative": "speculative",
    "denied": "denied",
}
#: Values that are not firm readings: kept out of a fact's range and listed beside it.
UNFIRM = frozenset({"speculative", "denied"})
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
UNIT_SIGNS = {"percent": "%", "km2": " km²", "m2": " m²", "m3": " m³", "mi2": " sq mi"}
#: Units that only say "a count of things"; the fact's ``what`` already names the things.
COUNT_UNITS = frozenset({"people", "count"})


def format_number(x: float) -> str:
    """12,000 / 1.5M / 2.25B: short enough for a table cell, exact enough to compare."""
    for size, suffix in ((1e9, "B"), (1e6, "M")):
        if abs(x) >= size:
            return f"{x / size:.2f}".rstrip("0").rstrip(".") + suffix
    if x == int(x):
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _unit_parts(unit: str | None) -> tuple[str, str]:
    """What goes before and after a number of this unit: ("$", "") or ("", " km²")."""
    if unit in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[unit], ""
    if unit is None or unit in COUNT_UNITS:
        return "", ""
    return "", UNIT_SIGNS.get(unit, f" {clean_text(unit)}")


def format_amount(x: float, unit: str | None) -> str:
    """A number with its unit: "$2M", "35 km²", "40" (people need no unit)."""
    before, after = _unit_parts(unit)
    return f"{before}{format_number(x)}{after}"


def format_range(low: float, high: float, unit: str | None) -> str:
    """ "40–90", "$400M–$600M", "35–41 km²"; a single number when both ends agree."""
    if low == high:
        return format_amount(low, unit)
    before, after = _unit_parts(unit)
    return f"{before}{format_number(low)}–{before}{format_number(high)}{after}"


def with_per(text: str, per: str | None) -> str:
    return f"{text} per {clean_text(per)}" if per else text


def format_value(v: FactValue, unit: str | None, per: str | None) -> str:
    """One value as a reader wants it: "about 90", "3,000–4,000", "at least 40", "up to $750".

    A value with no number (vague) is its own words, in quotes, never a made-up number; a vague
    value that was read as a range ("several thousand") keeps its words and shows the reading.
    """
    approx = "about " if v.approximate else ""
    if v.low is not None and v.high is not None:
        reading = approx + format_range(v.low, v.high, unit)
    elif v.low is not None:
        reading = f"at least {format_amount(v.low, unit)}"
    elif v.high is not None:
        reading = f"up to {format_amount(v.high, unit)}"
    else:
        reading = ""
    if v.value is not None:
        figure = approx + format_amount(v.value, unit) + (f" ({reading})" if reading else "")
    elif reading:
        figure = reading
    else:
        return f"“{clean_text(v.text)}”"
    figure = with_per(figure, per)
    return f"“{clean_text(v.text)}” ({figure})" if v.vague else figure


def value_marks(v: FactValue) -> tuple[str, ...]:
    """The words that say how firm a value is: vague, speculative, denied, estimated, confirmed."""
    marks = ["vague"] if v.vague else []
    if v.certainty in CERTAINTY_MARKS:
        marks.append(CERTAINTY_MARKS[v.certainty])
    return tuple(marks)


def bounds(v: FactValue) -> list[float]:
    """Every number a value states (its value and its range ends)."""
    return [x for x in (v.value, v.low, v.high) if x is not None]


def plural(n: int, word: str) -> str:
    """ "1 document", "3 documents": a count with its noun (regular plurals only)."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
