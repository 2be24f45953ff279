"""Date expressions in news text, resolved against the publication date.

Finding and resolving are two steps, because each fails differently on news:

* **Finding** starts from spaCy's DATE/TIME entities, plus a small pattern finder for forms the
  small model drops ("in 2024", "the 1950s", "Oct. 28", "8 p.m."). ``dateparser.search_dates``
  over whole text is never used: it turns "may", "now", "We" and "11th" into dates. Spans that
  overlap are grouped; the widest reading that resolves wins, else the pieces that resolve.
* **Resolving** (:func:`resolve`) is a pure function of the expression text, the anchor and an
  optional tense hint, cached per expression. Our own rules, one regex each over the
  normalised text, cover the relative forms and granularities that news uses ("on Monday",
  "last week", "in November", "the 1950s", "two weeks ago"); dateparser only reads the numeric
  forms left over ("22/03/2013"), in both field orders. The tense comes from the parse: the
  verb governing the span (see ``_tense``).

Conventions (the CLI contract's ``times`` objects):

* A span never starts with a preposition or a hedge: "on Monday" gives the span "Monday",
  "about two weeks ago" the span "two weeks ago". The exceptions are "between" and "from",
  which turn the expression into a range, so the span keeps the words its value depends on,
  and "since", kept so that a figure "since Sunday" reads as of publication downstream; its
  value is the date's own ("since 1998" is the year 1998, "since Wednesday" that Wednesday),
  when the thing began, as the gold of every split annotates it.
* ``date`` is ISO at the granularity known: day ``2024-10-28``; ISO week as its Monday/Sunday
  range ``2024-10-28/2024-11-03`` (granularity week); month ``2024-10``; season as a month range
  ``2024-06/2024-08`` (northern meteorological seasons); year ``2024``; decade ``1950/1959``;
  time ``2024-10-28T20:00``; anything else that spans (ranges, quarters, halves, centuries,
  weekends, "the past two weeks") a ``start/end`` range with granularity range.
* Only expressions that denote a calendar point or interval are kept. Durations ("for three
  years", "24 hours"), ages ("48", "22-year-old") and pure vagueness ("now", "currently",
  "recently", "in the coming days") are dropped. An expression that would resolve with a day
  anchor but has none (or only ``YYYY-MM``) is kept with ``date`` and ``granularity`` ``None``.
  Fully explicit dates ("March 3, 2001", "2024", "the 1950s") resolve without any anchor.

Relative rules, with ``a`` the anchor:

* weekdays: the most recent such day on or before ``a`` (a Thursday article's "Thursday" is
  ``a``), or on or after it when the governing verb is future ("will meet on Monday"); "last
  Monday" is strictly before ``a``, "next Monday" strictly after.
* a month or a day of a month without a year ("in November", "August 6th"): ``a``'s year, moved
  to the previous year when that would be more than three months after ``a`` and to the next
  year when more than eight months before it; a past-tense verb moves a later month back a
  year, a future one an earlier month forward. A weekday given with the date picks the year.
* "the past/last [N] days|weeks|months" end on ``a`` ("the last week" is ``a`` - 7 to
  ``a``); "this/last/next week|month|year|quarter|decade" are calendar units around ``a``; "earlier
  this month" is this month; "N days/weeks/months/years ago" counts back from ``a``; "the
  next year", "the following week" and "a month earlier" are relative to some event, not to
  ``a``, and are dropped.
* "today", "tonight" or "this morning" inside a quote is the day the quote was given: the
  last day named before it outside quotes, else unknown;
* a clock time is on the day written in it or right beside it ("5:03 AM, February 10"), else
  on ``a``; a season needs a determiner or a year ("last summer", "the winter of 2006-07"):
  "winter weather" is no date.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, cast

from spacy.tokens import Doc, Span, Token

from newsledger.model import Granularity, TimeExpr

Tense = Literal["past", "future"]
Precision = Literal["day", "month", "year"]
Value = tuple[str, Granularity]

__all__ = ["Precision", "Tense", "find_times", "resolve"]

# --- vocabularies ---------------------------------------------------------------------------


def _load_vocab() -> dict[str, Any]:
    text = resources.files("newsledger.extract").joinpath("data/times.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_V = _load_vocab()
#: Full names first, then abbreviations: the finder wants names, the resolver both.
WEEKDAYS: dict[str, int] = {**_V["weekdays"], **_V["weekday_abbreviations"]}
MONTHS: dict[str, int] = {**_V["months"], **_V["month_abbreviations"]}
SEASONS: dict[str, int] = _V["seasons"]
NUMBERS: dict[str, int] = _V["numbers"]
ORDINALS: dict[str, int] = _V["ordinals"]
DECADE_WORDS: dict[str, int] = _V["decade_words"]
DAY_OFFSETS: dict[str, int] = _V["day_offsets"]
RELATIVE: dict[str, int] = _V["relative"]
VAGUE: frozenset[str] = frozenset(_V["vague"])
LEADING_TRIM: tuple[str, ...] = tuple(sorted(_V["leading_trim"], key=len, reverse=True))
RANGE_OPENERS: frozenset[str] = frozenset(_V["range_openers"])
EDGE_MODIFIERS: tuple[str, ...] = tuple(sorted(_V["edge_modifiers"], key=len, reverse=True))
HOLIDAYS: dict[str, list[int]] = _V["holidays"]
TIMEZONES: tuple[str, ...] = tuple(sorted(_V["timezones"], key=len, reverse=True))

#: How far ahead of the anchor a month named without a year may lie before it is read as last
#: year's: news mostly reports the past, but "the vote in June" in a March article is ahead.
FUTURE_MONTHS = 3
#: How near the anchor a day-first reading of "5/12/2024" must be to beat month-first.
NEAR_DAYS = 45
#: Longest expression text worth resolving; longer spaCy spans are sentences gone wrong.
MAX_EXPRESSION = 120

_DAY, _MONTH, _YEAR = 3, 2, 1
_PRECISION: dict[str, int] = {"day": _DAY, "month": _MONTH, "year": _YEAR}


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so that "sept" wins over "sep"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WD = _alt(WEEKDAYS)
_MON = _alt(MONTHS)
_SEASON = _alt(SEASONS)
_NUM = rf"\d+|{_alt(NUMBERS)}"
_ORD = rf"\d{{1,2}}(?:st|nd|rd|th)|{_alt(ORDINALS)}"
_REL = _alt(RELATIVE)
_PART = r"(?:morning|afternoon|evening|night)"
_TZ = _alt(TIMEZONES)

# --- resolution: the context and its value builders ----------------------------------------


class _NoAnchor(Exception):
    """Raised inside a rule that needs a finer anchor than the one given."""


@dataclass(frozen=True)
class _Ctx:
    anchor: dt.date | None
    precision: int
    tense: Tense | None

    def need(self, precision: int) -> dt.date:
        """The anchor, if it is known at least to ``precision``; else the rule cannot apply."""
        if self.anchor is None or self.precision < precision:
            raise _NoAnchor
        return self.anchor

    def anchor_text(self) -> str:
        anchor = self.need(_YEAR)
        return anchor.isoformat()[: {_DAY: 10, _MONTH: 7, _YEAR: 4}[self.precision]]


def _day(day: dt.date) -> Value:
    return day.isoformat(), "day"


def _week(day: dt.date) -> Value:
    monday = day - dt.timedelta(days=day.weekday())
    return f"{monday.isoformat()}/{(monday + dt.timedelta(days=6)).isoformat()}", "week"


def _ym(year: int, month: int) -> tuple[int, int]:
    """(year, month) with the month carried into the year: (2024, 0) is (2023, 12)."""
    return year + (month - 1) // 12, (month - 1) % 12 + 1


def _month_text(year: int, month: int) -> str:
    year, month = _ym(year, month)
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} has no ISO form")
    return f"{year:04d}-{month:02d}"


def _month(year: int, month: int) -> Value:
    return _month_text(year, month), "month"


def _year(year: int) -> Value:
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} has no ISO form")
    return f"{year:04d}", "year"


def _months_range(year: int, first: int, count: int) -> str:
    return f"{_month_text(year, first)}/{_month_text(year, first + count - 1)}"


def _number(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return NUMBERS.get(text)


def _ordinal(text: str) -> int | None:
    text = text.strip()
    digits = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", text)
    return int(digits.group(1)) if digits else ORDINALS.get(text)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _pick_year(ctx: _Ctx, month: int, day: int | None = None, weekday: int | None = None) -> int:
    """The year of a month (or day of a month) named without one; see the module docstring."""
    anchor = ctx.need(_MONTH)
    if weekday is not None and day is not None:
        for year in (anchor.year, anchor.year - 1, anchor.year + 1):
            found = _safe_date(year, month, day)
            if found is not None and found.weekday() == weekday:
                return year
    ahead = month - anchor.month
    if ctx.tense == "past":
        return anchor.year - 1 if ahead > 0 else anchor.year
    if ctx.tense == "future":
        return anchor.year + 1 if ahead < 0 else anchor.year
    if ahead > FUTURE_MONTHS:
        return anchor.year - 1
    if ahead < FUTURE_MONTHS - 11:
        return anchor.year + 1
    return anchor.year


def _relative(word: str | None) -> int | None:
    return None if word is None else RELATIVE.get(word.strip())


# --- resolution: rules ------------------------------------------------------------------------

Rule = Callable[[re.Match[str], _Ctx], Value | None]
_RULES: list[tuple[re.Pattern[str], Rule]] = []


def _rule(pattern: str) -> Callable[[Rule], Rule]:
    """Register a rule: ``pattern`` must match the whole normalised expression."""

    def register(func: Rule) -> Rule:
        _RULES.append((re.compile(pattern), func))
        return func

    return register


@_rule(rf"(?P<word>{_alt(DAY_OFFSETS)})(?: {_PART})?")
def _day_word(m: re.Match[str], ctx: _Ctx) -> Value | None:
    return _day(ctx.need(_DAY) + dt.timedelta(days=DAY_OFFSETS[m["word"]]))


@_rule(rf"(?:(?P<rel>{_REL}) )?(?P<wd>{_WD})(?: {_PART})?")
def _weekday(m: re.Match[str], ctx: _Ctx) -> Value | None:
    anchor = ctx.need(_DAY)
    wanted = WEEKDAYS[m["wd"]]
    back = (anchor.weekday() - wanted) % 7
    ahead = (wanted - anchor.weekday()) % 7
    rel = _relative(m["rel"])
    if rel == -1:
        return _day(anchor - dt.timedelta(days=back or 7))
    if rel == 1:
        return _day(anchor + dt.timedelta(days=ahead or 7))
    if ctx.tense == "future" or (rel == 0 and ctx.tense is None and ahead < back):
        return _day(anchor + dt.timedelta(days=ahead))
    return _day(anchor - dt.timedelta(days=back))


@_rule(r"(?:the )?year[- ]to[- ]date")
def _year_to_date(m: re.Match[str], ctx: _Ctx) -> Value | None:
    """ "Year to date": from 1 January to the anchor, as markets count it."""
    anchor = ctx.need(_DAY)
    return f"{anchor.year}-01-01/{anchor.isoformat()}", "range"


def _weekend(anchor: dt.date, weeks: int) -> Value:
    saturday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(days=5 + 7 * weeks)
    return f"{saturday.isoformat()}/{(saturday + dt.timedelta(days=1)).isoformat()}", "range"


@_rule(rf"the (?:past|last) (?:(?P<n>{_NUM}) )?(?P<unit>day|week|fortnight|month|year)s?")
def _trailing(m: re.Match[str], ctx: _Ctx) -> Value | None:
    """ "the past week", "the last two days", "the past 30 years": the span of time that ends on
    the anchor, not a calendar week or year ("last week" and "last year" are those)."""
    anchor = ctx.need(_DAY)
    n = _number(m["n"]) if m["n"] else 1
    if n is None or n < 1:
        return None
    if m["unit"] in ("month", "year"):
        year, month = _ym(anchor.year, anchor.month - n * (12 if m["unit"] == "year" else 1))
        start = dt.date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))
    else:
        start = anchor - dt.timedelta(days=n * {"day": 1, "week": 7, "fortnight": 14}[m["unit"]])
    return f"{start.isoformat()}/{anchor.isoformat()}", "range"


@_rule(rf"(?P<rel>{_REL}|the) (?P<unit>week|weekend|month|year|fiscal year|quarter|decade|century)")
def _unit_around(m: re.Match[str], ctx: _Ctx) -> Value | None:
    unit = m["unit"]
    rel = _relative(m["rel"])
    if rel is None:  # "the weekend": the coming one unless the verb is past
        if unit != "weekend":
            return None
        anchor = ctx.need(_DAY)
        return _weekend(anchor, -1 if ctx.tense == "past" and anchor.weekday() < 5 else 0)
    if unit == "week":
        return _week(ctx.need(_DAY) + dt.timedelta(days=7 * rel))
    if unit == "weekend":
        anchor = ctx.need(_DAY)
        past_this = rel == 0 and ctx.tense == "past" and anchor.weekday() < 5
        return _weekend(anchor, -1 if past_this else rel)
    if unit == "month":
        anchor = ctx.need(_MONTH)
        return _month(anchor.year, anchor.month + rel)
    year = ctx.need(_YEAR).year
    if unit in ("year", "fiscal year"):
        return _year(year + rel)
    if unit == "decade":
        if m["rel"] in ("the past", "the last"):  # "over the past decade": ten years, a duration
            return None
        start = year // 10 * 10 + 10 * rel
        return f"{start}/{start + 9}", "decade"
    if unit == "century":
        start = year // 100 * 100 + 100 * rel
        return f"{start}/{start + 99}", "range"
    anchor = ctx.need(_MONTH)
    first = (anchor.month - 1) // 3 * 3 + 1 + 3 * rel
    return _months_range(anchor.year, first, 3), "range"


@_rule(rf"(?P<n>{_NUM}) (?P<unit>day|week|fortnight|month|year|decade)s? (?P<dir>ago|from now)")
def _units_ago(m: re.Match[str], ctx: _Ctx) -> Value | None:
    count = _number(m["n"])
    if count is None or count > 5000:
        return None
    sign = -1 if m["dir"] == "ago" else 1
    unit = m["unit"]
    if unit in ("day", "week", "fortnight"):
        days = {"day": 1, "week": 7, "fortnight": 14}[unit] * count * sign
        anchor = ctx.need(_DAY)
        moved = anchor + dt.timedelta(days=days)
        return _day(moved) if unit == "day" or count == 1 else _week(moved)  # "a week ago": a day
    if unit == "month":
        anchor = ctx.need(_MONTH)
        return _month(anchor.year, anchor.month + sign * count)
    years = count * (10 if unit == "decade" else 1)
    return _year(ctx.need(_YEAR).year + sign * years)


@_rule(rf"(?P<n>{_NUM}) years?[- ]and[- ]a[- ]half (?P<dir>ago|from now)")
def _and_a_half_ago(m: re.Match[str], ctx: _Ctx) -> Value | None:
    """ "a year-and-a-half ago": eighteen months back, a month."""
    count = _number(m["n"])
    if count is None or count > 500:
        return None
    months = 12 * count + 6
    sign = -1 if m["dir"] == "ago" else 1
    anchor = ctx.need(_MONTH)
    return _month(anchor.year, anchor.month + sign * months)


@_rule(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")
def _iso_day(m: re.Match[str], ctx: _Ctx) -> Value | None:
    found = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _day(found) if found else None


_DAY_OF = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_YEAR_OPT = r"(?:,? (?P<y>\d{4}))?"
_WD_OPT = rf"(?:(?P<wd>{_WD}),? )?"


def _day_of_month(m: re.Match[str], ctx: _Ctx) -> Value | None:
    month, day = MONTHS[m["mon"]], int(m["d"])
    weekday = WEEKDAYS[m["wd"]] if m["wd"] else None
    year = int(m["y"]) if m["y"] else _pick_year(ctx, month, day, weekday)
    found = _safe_date(year, month, day)
    return _day(found) if found else None


_rule(rf"{_WD_OPT}(?P<mon>{_MON}) (?:the )?{_DAY_OF}{_YEAR_OPT}")(_day_of_month)
_rule(rf"{_WD_OPT}(?:the )?{_DAY_OF} (?:of )?(?P<mon>{_MON}){_YEAR_OPT}")(_day_of_month)


@_rule(r"the (?P<d>\d{1,2})(?:st|nd|rd|th)")
def _day_only(m: re.Match[str], ctx: _Ctx) -> Value | None:
    """ "on the 29th": that day of the anchor's month, or of the month before if still ahead."""
    anchor = ctx.need(_DAY)
    day = int(m["d"])
    year, month = anchor.year, anchor.month
    if ctx.tense == "future" and day < anchor.day:
        year, month = _ym(year, month + 1)
    elif ctx.tense != "future" and day > anchor.day:
        year, month = _ym(year, month - 1)
    found = _safe_date(year, month, day)
    return _day(found) if found else None


@_rule(rf"(?P<mon>{_MON}),? (?:of )?(?P<y>\d{{4}})")
def _month_year(m: re.Match[str], ctx: _Ctx) -> Value | None:
    return _month(int(m["y"]), MONTHS[m["mon"]])


@_rule(rf"(?P<mon>{_MON}),? (?:of )?(?P<rel>{_REL}) year")
def _month_of_year(m: re.Match[str], ctx: _Ctx) -> Value | None:
    return _month(ctx.need(_YEAR).year + RELATIVE[m["rel"]], MONTHS[m["mon"]])


@_rule(rf"(?:(?P<rel>{_REL}) )?(?P<h>{_alt(HOLIDAYS)})")
def _holiday(m: re.Match[str], ctx: _Ctx) -> Value | None:
    """Holidays ("Christmas", "New Year's Eve", "Labor Day"), placed like a day of a month."""
    spec = HOLIDAYS[m["h"]]
    rel = _relative(m["rel"])
    if rel is None:
        year = _pick_year(ctx, spec[0], spec[1] if len(spec) == 2 else None)
    else:
        anchor = ctx.need(_DAY)
        this_year = _holiday_in(anchor.year, spec)
        if rel == 0:
            year = anchor.year
        elif rel == -1:
            year = anchor.year if this_year < anchor else anchor.year - 1
        else:
            year = anchor.year if this_year > anchor else anchor.year + 1
    return _day(_holiday_in(year, spec))


def _holiday_in(year: int, spec: Sequence[int]) -> dt.date:
    """A holiday's date in ``year``: ``[month, day]``, or ``[month, weekday, n]`` for the n-th
    such weekday of the month (Monday is 0; n = -1 the last: Memorial Day is ``[5, 0, -1]``)."""
    if len(spec) == 2:
        return dt.date(year, spec[0], spec[1])
    month, weekday, n = spec
    days = [
        dt.date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, d).weekday() == weekday
    ]
    return days[n - 1] if n > 0 else days[n]


@_rule(r"(?P<y>\d{4})-(?P<m>\d{2})")
def _iso_month(m: re.Match[str], ctx: _Ctx) -> Value | None:
    """``2013-03`` is a month, but ``2009-10`` (consecutive years) is a season or fiscal year."""
    year, second = int(m["y"]), int(m["m"])
    if second == (year + 1) % 100:
        return f"{year}/{year + 1}", "range"
    return _month(year, second) if 1 <= second <= 12 else None


@_rule(rf"(?:(?P<rel>{_REL}) )?(?P<mon>{_MON})")
def _month_name(m: re.Match[str], ctx: _Ctx) -> Value | None:
    month = MONTHS[m["mon"]]
    rel = _relative(m["rel"])
    if rel is None:
        return _month(_pick_year(ctx, month), month)
    anchor = ctx.need(_MONTH)
    if rel == 0:
        return _month(anchor.year, month)
    if rel == -1:
        return _month(anchor.year if month < anchor.month else anchor.year - 1, month)
    return _month(anchor.year if month > anchor.month else anchor.year + 1, month)


@_rule(r"(?:the (?:year |calendar year )?|fiscal (?:year )?|fy ?|calendar (?:year )?)?(?P<y>\d{4})")
def _year_number(m: re.Match[str], ctx: _Ctx) -> Value | None:
    year = int(m["y"])
    return _year(year) if 1000 <= year <= 2199 else None


def _century_of(two_digits: int, ctx: _Ctx, decade: bool) -> int:
    """The full year of "'58" or "the '80s": this century only when it is well past."""
    pivot = ctx.anchor.year if ctx.anchor is not None else 2030
    year = 2000 + two_digits
    limit = pivot - 10 if decade else pivot + 1
    return year if year <= limit else year - 100


@_rule(r"'(?P<yy>\d{2})")
def _short_year(m: re.Match[str], ctx: _Ctx) -> Value | None:
    return _year(_century_of(int(m["yy"]), ctx, decade=False))


@_rule(r"(?:the )?(?P<y>1\d{2}0|20\d0)'?s")
def _decade(m: re.Match[str], ctx: _Ctx) -> Value | None:
    """ "the 1950s" is a decade, but "the 1800s" a century (and "the 2000s" the decade)."""
    start = int(m["y"])
    if start % 100 == 0 and start < 2000:
        return f"{start}/{start + 99}", "range"
    return f"{start}/{start + 9}", "decade"


@_rule(rf"(?:the )?(?:'?(?P<yy>\d0)'?s|(?:nineteen )?(?P<word>{_alt(DECADE_WORDS)}))")
def _short_decade(m: re.Match[str], ctx: _Ctx) -> Value | None:
    if m["word"]:
        start = 1900 + DECADE_WORDS[m["word"]]
    else:
        start = _century_of(int(m["yy"]), ctx, decade=True)
    return f"{start}/{start + 9}", "decade"


@_rule(rf"(?:the )?(?P<c>{_ORD})[ -]century")
def _century(m: re.Match[str], ctx: _Ctx) -> Value | None:
    number = _ordinal(m["c"])
    if number is None or not 1 <= number <= 22:
        return None
    start = (number - 1) * 100
    return f"{start:04d}/{start + 99:04d}", "range"


def _season_value(year: int, first: int) -> Value:
    return _months_range(year, first, 3), "season"


@_rule(
    rf"(?:(?P<rel>{_REL}|the) )?(?P<s>{_SEASON})"
    rf"(?:,? (?:of )?(?P<y>\d{{4}})(?:[-/]\d{{2,4}})?)?"  # "the winter of 2006-07"
)
def _season(m: re.Match[str], ctx: _Ctx) -> Value | None:
    first = SEASONS[m["s"]]
    if m["y"]:
        return _season_value(int(m["y"]), first)
    if m["rel"] is None:  # "winter weather", "in summer": a season in general, not one season
        return None
    anchor = ctx.need(_MONTH)
    # Seasons as month indexes: the current one starts at or before the anchor's month.
    current = (anchor.year * 12 + anchor.month - 1) - (anchor.month % 12) % 3
    options = [y * 12 + first - 1 for y in range(anchor.year - 2, anchor.year + 2)]
    rel = _relative(m["rel"]) if m["rel"] != "the" else None
    if rel == -1:
        chosen = max(o for o in options if o < current)
    elif rel == 1:
        chosen = min(o for o in options if o > current)
    elif rel is None and ctx.tense == "past":
        chosen = max(o for o in options if o <= current)
    elif rel is None and ctx.tense == "future":
        chosen = min(o for o in options if o >= current)
    else:
        chosen = min(options, key=lambda o: (abs(o - current), o > current))
    return _season_value(chosen // 12, chosen % 12 + 1)


_OF_A_YEAR = r"(?:,? (?:of )?(?:(?P<y>\d{4})|(?P<rel>this|last|next|the) (?:fiscal )?year))"
_OF_YEAR = _OF_A_YEAR + "?"


def _part_year(m: re.Match[str], ctx: _Ctx, first: int) -> int:
    """The year of "the third quarter (of ...)"; without one, the latest that has begun."""
    if m["y"]:
        return int(m["y"])
    if m["rel"]:
        return ctx.need(_YEAR).year + (RELATIVE.get(m["rel"], 0))
    anchor = ctx.need(_MONTH)
    if ctx.tense == "future":
        return anchor.year if first + 2 >= anchor.month else anchor.year + 1
    return anchor.year if first <= anchor.month else anchor.year - 1


@_rule(rf"(?:the )?(?P<q>first|second|third|fourth|final|last|1st|2nd|3rd|4th) quarter{_OF_YEAR}")
def _quarter(m: re.Match[str], ctx: _Ctx) -> Value | None:
    number = {"final": 4, "last": 4}.get(m["q"]) or _ordinal(m["q"]) or 1
    first = 3 * (number - 1) + 1
    return _months_range(_part_year(m, ctx, first), first, 3), "range"


@_rule(r"q(?P<q>[1-4])(?:,? (?P<y>\d{4}))?(?P<rel>)")
def _quarter_short(m: re.Match[str], ctx: _Ctx) -> Value | None:
    first = 3 * (int(m["q"]) - 1) + 1
    return _months_range(_part_year(m, ctx, first), first, 3), "range"


#: the half must name its year: "the second half" alone is as often a game's as a year's
@_rule(rf"(?:the )?(?P<h>first|second|1st|2nd|latter) half{_OF_A_YEAR}")
def _half(m: re.Match[str], ctx: _Ctx) -> Value | None:
    first = 1 if m["h"] in ("first", "1st") else 7
    return _months_range(_part_year(m, ctx, first), first, 6), "range"


@_rule(
    r"(?:the )?(?:(?:first|second|third|fourth|last|final|early|late|opening|closing|same) )?"
    r"(?P<part>week|weekend|days|day|night|morning|afternoon|evening|part|half|weeks|months)"
    r" of (?P<rest>.+)"
)
def _part_of(m: re.Match[str], ctx: _Ctx) -> Value | None:
    """ "the first week of March", "the night of March 5": the interval that contains it."""
    whole = _apply(m["rest"], ctx)
    if whole is not None and whole[1] == "day" and m["part"] in ("week", "weekend"):
        return _week(dt.date.fromisoformat(whole[0]))
    return whole


_CLOCK = re.compile(
    r"(?<![\d:])(?:(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2})(?::\d{2})?)? ?(?P<ap>am|pm)(?![a-z])"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})(?P<s24>:\d{2})?(?!\d)|(?P<word>noon|midday|midnight)"
    rf"|(?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d) ?(?=(?:{_TZ})\b))"
)
_CLOCK_FILLER = re.compile(
    rf"^(?:(?:at|on|,|o'clock|{_TZ}|local time)\s*)+|(?:\s*(?:at|on|,|{_TZ}))+$"
)


def _clock(m: re.Match[str]) -> tuple[int, int] | None:
    if m["word"]:
        return (0, 0) if m["word"] == "midnight" else (12, 0)
    if m["ap"]:
        hour, minute = int(m["h"]), int(m["mi"] or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ap"] == "pm" else 0)
    elif m["h4"]:
        hour, minute = int(m["h4"]), int(m["m4"])
    elif m["s24"]:  # "2:05:46" without am/pm is a race time, not a time of day
        return None
    else:
        hour, minute = int(m["h24"]), int(m["m24"])
    return (hour, minute) if hour <= 23 and minute <= 59 else None


def _beside_clock(text: str, m: re.Match[str]) -> str:
    """What an expression says besides its clock time and time zone ("saturday")."""
    rest = " ".join(p.strip() for p in (text[: m.start()], text[m.end() :]) if p.strip())
    rest = _CLOCK_FILLER.sub("", rest).strip()
    return _CLOCK_FILLER.sub("", rest).strip()


def _time_of_day(text: str, ctx: _Ctx) -> Value | None:
    """A clock time, on the day named beside it ("15:00 GMT Saturday") or else the anchor's."""
    m = _CLOCK.search(text)
    if m is None:
        return None
    clock = _clock(m)
    if clock is None:
        return None
    rest = _beside_clock(text, m)
    if rest:
        day_value = _apply(rest, ctx)
        if day_value is None or day_value[1] != "day":
            return None
        day_text = day_value[0]
    else:
        day_text = ctx.need(_DAY).isoformat()
    return f"{day_text}T{clock[0]:02d}:{clock[1]:02d}", "time"


def _range_start(value: str) -> str:
    return value.split("/")[0]


def _range_end(value: str) -> str:
    return value.split("/")[-1]


_SINCE = re.compile(r"since (?P<x>.+)")
_BETWEEN = re.compile(r"(?:between|from) (?P<a>.+?) (?:and|to|until|till|through|-) (?P<b>.+)")
_DASH = re.compile(r"(?P<a>.+?) ?(?:-|/| to | through | until | till ) ?(?P<b>.+)")


def _range(left: str, right: str, ctx: _Ctx) -> Value | None:
    """``left/right`` when both ends resolve; shorthand ends borrow from the other end."""
    if left.isdigit() and len(left) <= 2:  # "3-5 march"
        end = _apply(right, ctx)
        if end is None or end[1] != "day":
            return None
        first = dt.date.fromisoformat(end[0]).replace(day=int(left)).isoformat()
        return (f"{first}/{end[0]}", "range") if first < end[0] else None
    start = _apply(left, ctx)
    if start is None:
        return None
    if right.isdigit() and len(right) <= 2:
        if start[1] == "day":  # "march 3-5"
            last = dt.date.fromisoformat(start[0]).replace(day=int(right)).isoformat()
            return (f"{start[0]}/{last}", "range") if last > start[0] else None
        if start[1] == "year":  # "1957-58"
            year = int(start[0])
            end_year = year // 100 * 100 + int(right)
            end_year += 100 if end_year < year else 0
            return f"{year}/{end_year}", "range"
        return None
    end = _apply(right, ctx)
    if end is None or _range_start(end[0]) < _range_start(start[0]):
        return None
    return f"{_range_start(start[0])}/{_range_end(end[0])}", "range"


def _ranges(text: str, ctx: _Ctx) -> Value | None:
    since = _SINCE.fullmatch(text)
    if since:
        return _apply(since["x"], ctx)  # "since 1998": when it began, as the date alone reads
    for pattern in (_BETWEEN, _DASH):
        m = pattern.fullmatch(text)
        if m:
            found = _range(m["a"].strip(), m["b"].strip(), ctx)
            if found is not None:
                return found
    return None


_NUMERIC_DATE = re.compile(r"\d{1,4}[/.]\d{1,2}[/.]\d{2,4}")


@lru_cache(maxsize=2)
def _date_parser(order: str) -> Any:
    """A dateparser reader of numeric dates in one field order ("MDY" or "DMY")."""
    from dateparser.date import DateDataParser

    settings = {"DATE_ORDER": order, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    return DateDataParser(languages=["en"], settings=settings)


def _read_numeric(text: str, order: str) -> dt.date | None:
    try:
        data = _date_parser(order).get_date_data(text)
    except Exception:  # dateparser raises odd errors on odd numbers; a miss is not an error
        return None
    found = data.date_obj if data else None
    return found.date() if found is not None and 1000 <= found.year <= 2199 else None


def _numeric(text: str, ctx: _Ctx) -> Value | None:
    """Numeric dates ("22/03/2013", "5/12/2024"), read by dateparser in both field orders.

    Where month-first and day-first both make a date, the one nearer the anchor wins when it
    is within ``NEAR_DAYS`` of it: "5/12/2024" in a 5 December 2024 article is that day.
    Otherwise month first, as dateparser reads English.
    """
    if not _NUMERIC_DATE.fullmatch(text):
        return None
    month_first, day_first = _read_numeric(text, "MDY"), _read_numeric(text, "DMY")
    anchor = ctx.anchor if ctx.precision == _DAY else None
    if month_first is None or day_first is None or anchor is None:
        found = month_first or day_first
        return _day(found) if found else None
    nearest = min(month_first, day_first, key=lambda d: (abs((d - anchor).days), d > anchor))
    return _day(nearest if abs((nearest - anchor).days) <= NEAR_DAYS else month_first)


# --- resolution: normalising and applying -------------------------------------------------------

_PREFIX_TRIM = re.compile(
    rf"^(?:(?:{_alt(w for w in LEADING_TRIM if w not in RANGE_OPENERS)})\s+)+"
)
_EDGE = re.compile(rf"^(?:{_alt(EDGE_MODIFIERS)})[\s-]+")
_BARE_UNIT = re.compile(r"(?:the )?(week|month|year|decade|century)")


_MONTH_WORDS = _alt([*MONTHS, *_V["month_abbreviations"]])
#: "Feb.2, 2011" and "29-Dec-2024" as some sites write them: a month glued to a day
_GLUED_MONTH = re.compile(rf"\b({_MONTH_WORDS})(?:\.|-)(\d)")
_DAY_DASH_MONTH = re.compile(rf"\b(\d{{1,2}})-(?=(?:{_MONTH_WORDS})\b)")


def _normalise(text: str) -> str:
    """Lower case, one space, plain quotes and dashes, abbreviation dots dropped."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[–—‑]", "-", text)
    text = _GLUED_MONTH.sub(lambda m: f"{m[1]} {m[2]}", text)  # "feb.2", "29-dec-2024"
    text = _DAY_DASH_MONTH.sub(lambda m: f"{m[1]} ", text)
    text = re.sub(r"(?<=[a-z])\.", "", text)
    text = re.sub(r"\s+", " ", text).strip(' ,;:!?"“”()[]')
    text = re.sub(r"(?:'s|s'|')$", lambda m: "s" if m.group(0) == "s'" else "", text)
    return _PREFIX_TRIM.sub("", text).strip()


def _strip_edge(text: str) -> str:
    """ "late last July" -> "last july", "the end of the year" -> "this year"."""
    m = _EDGE.match(text)
    if not m or m.end() == len(text):
        return text
    rest = _PREFIX_TRIM.sub("", text[m.end() :]) or text[m.end() :]
    unit = _BARE_UNIT.fullmatch(rest)
    return f"this {unit.group(1)}" if unit else rest


def _apply(text: str, ctx: _Ctx) -> Value | None:
    """Every rule in turn on a normalised expression; the first that matches decides."""
    text = _normalise(text)
    if not text or text in VAGUE or len(text) > MAX_EXPRESSION:
        return None
    text = _strip_edge(text)
    for pattern, rule in _RULES:
        m = pattern.fullmatch(text)
        if m:
            return rule(m, ctx)
    return _time_of_day(text, ctx) or _numeric(text, ctx) or _ranges(text, ctx)


@lru_cache(maxsize=8192)
def _resolve_cached(
    text: str, anchor: dt.date | None, precision: int, tense: Tense | None
) -> Value | None:
    try:
        return _apply(text, _Ctx(anchor, precision, tense))
    except (_NoAnchor, ValueError, OverflowError, RecursionError):
        return None


def resolve(
    text: str,
    anchor: dt.date | None,
    *,
    tense: Tense | None = None,
    precision: Precision = "day",
) -> Value | None:
    """``(date, granularity)`` of one expression against ``anchor``, or ``None``.

    ``tense`` is the governing verb's ("will meet on Monday" is future), used for weekdays and
    for months and days named without a year. ``precision`` says how much of ``anchor`` is
    known (a ``2024-10`` publication date resolves "last month" but not "yesterday"). Leading
    prepositions and hedges are ignored ("on Monday" resolves as "Monday"). Never raises.
    """
    if not isinstance(text, str) or len(text) > MAX_EXPRESSION * 4:
        return None
    return _resolve_cached(text, anchor, _PRECISION.get(precision, _DAY), tense)


# --- finding --------------------------------------------------------------------------------------

_ABBREVIATIONS = sorted(_V["month_abbreviations"], key=len, reverse=True)
_MON_FULL = [m.capitalize() for m in _V["months"]]
#: Month names; an abbreviation needs its dot when nothing but a preposition says it is a date
#: ("in Jan" is rare, "Jan Smith" common), but not before a day or a year ("Oct 28").
_MON_CAP = "|".join(_MON_FULL + [rf"{m.capitalize()}\.?" for m in _ABBREVIATIONS])
_MON_DOTTED = "|".join(_MON_FULL + [rf"{m.capitalize()}\." for m in _ABBREVIATIONS])
_HOLIDAY_CAP = _alt(" ".join(w[:1].upper() + w[1:] for w in h.split()) for h in HOLIDAYS)
_WD_CAP = "|".join(w.capitalize() for w in _V["weekdays"])
_YEAR_F = r"(?:1[6-9]\d\d|20\d\d)"
_DAY_F = r"\d{1,2}(?:st|nd|rd|th)?"
_NUM_F = rf"(?:\d+|{_alt(NUMBERS)})"
#: Zones as news writes them after a clock time ("1700 GMT"); upper case, so that "2015 et al."
#: stays a year.
_ZONES_UPPER = _alt(z.upper() for z in TIMEZONES if len(z) <= 5)

#: Forms the small spaCy model misses; case-sensitive for names, so "may" and "march" as words
#: are never months and only capitalised weekdays count.
_FINDER = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(
        [
            r"\d{4}-\d{2}-\d{2}",
            r"(?:\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})|\d{4}/\d{1,2}/\d{1,2})(?![\d/.]\d)",
            rf"(?:(?:{_WD_CAP}),?\s+)?(?:{_MON_CAP})(?:\s+|(?<=\.)){_DAY_F}(?:,?\s+{_YEAR_F})?(?![\d:])",
            rf"\d{{1,2}}-(?:{_MON_CAP})-{_YEAR_F}",
            r"(?i:(?:the\s+)?year[-\s]to[-\s]date)",
            rf"(?:(?:{_WD_CAP}),?\s+)?{_DAY_F}\s+(?:of\s+)?(?:{_MON_CAP})(?:,?\s+{_YEAR_F})?",
            rf"(?:{_MON_CAP}),?\s+(?:of\s+)?{_YEAR_F}",
            rf"(?i:(?:in|since|until|till|by|during|through|early|mid|late|last|next|this)[-\s]+)"
            rf"(?:{_MON_DOTTED})(?:,?\s+{_YEAR_F})?",
            rf"(?i:(?:last|next|this)\s+)?(?:{_HOLIDAY_CAP})(?!\s+[A-Z])",
            rf"(?i:(?:last|next|this|coming)\s+)?(?:{_WD_CAP})(?i:\s+{_PART})?",
            rf"(?i:(?:{_alt(DAY_OFFSETS)})(?:\s+{_PART})?)",
            rf"(?i:(?:(?:earlier|later|early|late)\s+)?(?:the\s+)?(?:{_REL})\s+"
            rf"(?:week|weekend|month|year|quarter|decade|century|{_SEASON}))",
            rf"(?i:{_NUM_F}\s+(?:day|week|month|year|decade)s?\s+ago)",
            rf"(?i:{_NUM_F}\s+years?[-\s]and[-\s]a[-\s]half\s+ago)",
            r"(?i:the\s+weekend)",
            r"(?i:(?:the\s+)?(?:(?:early|mid|late)[-\s]+)?(?:1[6-9]\d0|20\d0)'?s)(?!\w)",
            r"(?i:the\s+'\d0s)",
            rf"(?i:(?:the\s+)?(?:(?:early|mid|late)[-\s]+)?(?:\d{{1,2}}(?:st|nd|rd|th)|{_alt(ORDINALS)})"
            r"[-\s]century)",
            rf"(?i:(?:the\s+)?(?:first|second|third|fourth|final|last)\s+quarter"
            rf"(?:\s+of\s+(?:{_YEAR_F}|(?:this|last|next|the)\s+year))?)",
            rf"Q[1-4](?:\s+{_YEAR_F})?",
            rf"(?i:(?:the\s+)?(?:first|second)\s+half\s+of\s+(?:{_YEAR_F}|(?:this|last|next|the)\s+year))",
            rf"(?i:(?:{_SEASON})\s+(?:of\s+)?){_YEAR_F}",
            rf"(?i:(?:mid|early|late)[-\s]+){_YEAR_F}",
            rf"{_YEAR_F}\s?[-–]\s?(?:{_YEAR_F}|\d\d)(?![\d%])",
            rf"(?i:\d{{1,2}}(?:[:.]\d{{2}})?\s?[ap]\.?m\.?)(?!\w)(?:\s+(?i:{_TZ})\b)?",
            rf"(?i:\d{{1,2}}:\d{{2}}\s+(?:{_TZ})\b)",
            rf"(?:[01]\d|2[0-3])[0-5]\d\s+(?:{_ZONES_UPPER})\b",
            rf"{_YEAR_F}(?![\d%,.]\d|\d|%|\s?(?i:per\s?cent|percent))",
        ]
    )
    + r")(?!\w)"
)
_BARE_YEAR = re.compile(_YEAR_F)
#: Words after which a bare four-digit number is a year ("in 2024", "the 1953 team").
_YEAR_CONTEXT: frozenset[str] = frozenset(_V["year_context"])
_NOT_YEAR_ENTS = frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL"})
_TIME_LABELS = frozenset({"DATE", "TIME"})
_EXTEND_LEFT = frozenset({"this", "last", "next", "past", "previous", "coming"})
_UNIT_START = re.compile(
    rf"(?i:(?:week|weekend|month|year|quarter|decade|century|{_SEASON}|{_MON}|{_WD})\b)"
)
_TRAILING = re.compile(r"(?:['’]s|['’]|[\s,;:!?\"“”()\[\]]|(?<=\d)\.)+$")
_SENTENCE_END_CLOCK = re.compile(r"\d ?[apAP][mM]\.$")
_LEADING_WORDS = re.compile(rf"(?i:{_alt(LEADING_TRIM)})(?=\s)")
_RANGE_SEPARATOR = re.compile(r"\s(?:and|to|until|till|through)\s|\d\s?[-–]\s?\d", re.I)
_END_POINTS = frozenset({"until", "till", "til", "by", "through"})
_FUTURE_AUX = frozenset({"will", "'ll", "’ll", "shall", "wo"})
_MODAL_AUX = frozenset({"would", "could", "might", "may", "should", "must", "can"})
_FUTURE_HEADS: frozenset[str] = frozenset(_V["future_heads"])
_DUMMY_ANCHOR = dt.date(2000, 6, 15)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding punctuation, possessives, prepositions and hedges."""
    trailing = _TRAILING.search(text, start, end)
    if trailing and trailing.start() >= start:
        end = trailing.start()
    if _SENTENCE_END_CLOCK.search(text, start, end):  # "at 3:30am." ends a sentence
        end -= 1
    while start < end:
        while start < end and (text[start].isspace() or text[start] in "\"“‘'([,"):
            start += 1
        m = _LEADING_WORDS.match(text, start, end)
        if not m:
            break
        word = m.group(0).lower()
        rest = text[m.end() : end]
        if word == "since" or (word in RANGE_OPENERS and _RANGE_SEPARATOR.search(rest)):
            break
        start = m.end()
    return start, end


def _word_before(text: str, start: int) -> tuple[str, int]:
    """The word just before ``start`` (lower case) and where it begins."""
    m = re.search(r"([A-Za-z']+)\s+$", text[max(0, start - 30) : start])
    if not m:
        return "", start
    return m.group(1).lower(), start - len(m.group(0))


_ZONE_AFTER = re.compile(rf"\s+(?:{_ZONES_UPPER}|local time)\b")


def _extend(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in a "since", a "this/last/next" or a time zone that spaCy left out of the entity.

    "1700 UTC" is a clock time, but "1700" alone would read as a year.
    """
    zone = _ZONE_AFTER.match(text, end)
    if zone and text[start:end].isdigit():
        end = zone.end()
    word, begins = _word_before(text, start)
    if word in _EXTEND_LEFT and _UNIT_START.match(text, start, end):
        start = begins
        word, begins = _word_before(text, start)
    if word == "since":
        start = begins  # kept in the span: a figure "since Sunday" stands as of publication
    return start, end


@dataclass(frozen=True)
class _Anchor:
    date: dt.date | None
    precision: Precision


def _parse_anchor(anchor: str | None) -> _Anchor:
    """``YYYY-MM-DD`` (a time after it is ignored), ``YYYY-MM`` or ``YYYY``; else none."""
    if not isinstance(anchor, str):
        return _Anchor(None, "day")
    m = re.match(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", anchor)
    if not m:
        return _Anchor(None, "day")
    found = _safe_date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    if found is None:
        return _Anchor(None, "day")
    return _Anchor(found, "day" if m[3] else "month" if m[2] else "year")


@dataclass(frozen=True)
class _Page:
    """A doc with what every span looks up: ``Doc.text`` and ``has_annotation`` walk all the
    tokens on each call, so they are read once per doc, not once per span."""

    doc: Doc
    text: str
    parsed: bool
    anchor: _Anchor

    @classmethod
    def of(cls, doc: Doc, anchor: _Anchor) -> _Page:
        parsed = doc.has_annotation("DEP") and doc.has_annotation("TAG")
        return cls(doc, doc.text, parsed, anchor)


def _is_count(page: _Page, start: int, end: int) -> bool:
    """A bare four-digit number that counts things ("2000 troops") rather than dates them."""
    span = page.doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) != 1:
        return False
    token = span[0]
    if token.ent_type_ in _NOT_YEAR_ENTS:
        return True
    word, _ = _word_before(page.text, start)
    if word not in _YEAR_CONTEXT:
        return True
    return token.dep_ == "nummod" and token.head.tag_ in ("NNS", "NNPS")


#: words that make the number after them a label: "flight 1344", "route 2020", "No. 1999"
_LABELS = frozenset({"flight", "route", "no", "no.", "number", "room", "bus", "highway", "seat"})


def _numbered(text: str, start: int, end: int) -> bool:
    """A bare four-digit number after a label word is a name, not a year."""
    four_digits = re.fullmatch(r"\d{4}", text[start:end]) is not None
    return four_digits and _word_before(text, start)[0] in _LABELS


def _candidates(page: _Page) -> list[tuple[int, int]]:
    """Trimmed spans from spaCy's DATE/TIME entities and the pattern finder."""
    text = page.text
    raw = [
        (e.start_char, e.end_char)
        for e in page.doc.ents
        if e.label_ in _TIME_LABELS and not _numbered(text, e.start_char, e.end_char)
    ]
    for m in _FINDER.finditer(text):
        if _BARE_YEAR.fullmatch(m.group(0)) and _is_count(page, m.start(), m.end()):
            continue
        raw.append((m.start(), m.end()))
    spans = set()
    for start, end in raw:
        start, end = _trim(text, start, end)
        start, end = _extend(text, start, end)
        if start < end:
            spans.add((start, end))
    return sorted(spans)


def _clusters(spans: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Groups of spans that overlap one another (spans sorted by start)."""
    groups: list[list[tuple[int, int]]] = []
    reach = -1
    for span in spans:
        if groups and span[0] < reach:
            groups[-1].append(span)
            reach = max(reach, span[1])
        else:
            groups.append([span])
            reach = span[1]
    return groups


def _verb_path(span: Span) -> list[Token]:
    """The tokens from the span's root up to the verb that governs it (the verb last)."""
    token = span.root
    path = [token]
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            break
        token = token.head
        path.append(token)
    return path if path[-1].pos_ in ("VERB", "AUX") else []


def _future_in_past(verb: Token) -> bool:
    """ "He added that divers would begin searching on Wednesday": "would" in a reported
    clause is the future as seen when it was said, so the weekday is the coming one."""
    top = verb
    while top.dep_ == "xcomp" and top.head.i != top.i:
        top = top.head
    auxes = {c.lower_ for t in (verb, top) for c in t.children if c.dep_ == "aux"}
    return "would" in auxes and top.dep_ == "ccomp"


def _tense(page: _Page, start: int, end: int) -> Tense | None:
    """Past or future from the verb governing the span, where the parse says so clearly.

    An end point ("until Saturday", "by Monday", "through September") is ahead unless the
    verb is in the simple past: "has been postponed until Saturday" is still to come, "the
    road was closed until Saturday" is not. A plan ("is due in May", "is scheduled for
    Monday", "plans to vote on Monday") is ahead unless it is told in the past.
    """
    if not page.parsed:
        return None
    span = page.doc.char_span(start, end, alignment_mode="expand")
    path = _verb_path(span) if span is not None and len(span) else []
    if not path:
        return None
    verb = path[-1]
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if not auxes and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head  # "is scheduled to remain … and return on Friday": remain's to and tense
        auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {c.lower_ for c in auxes}
    simple_past = _simple_past(verb)
    if words & _FUTURE_AUX or _future_in_past(verb):
        return "future"
    if _word_before(page.text, start)[0] in _END_POINTS:
        return "past" if simple_past else "future"
    if words & _MODAL_AUX:
        return None
    planned = any(t.lemma_ in _FUTURE_HEADS for t in path)
    if "to" in words and verb.head.lemma_ in _FUTURE_HEADS:  # "was told to report on Monday"
        planned, simple_past = True, simple_past or _simple_past(verb.head)
    if planned:
        return None if simple_past else "future"
    if simple_past or (verb.tag_ == "VBN" and any(c.lemma_ == "have" for c in auxes)):
        return "past"
    return None


def _simple_past(verb: Token) -> bool:
    """ "closed", "was closed": told as done, not as still to come."""
    return verb.tag_ == "VBD" or any(
        c.tag_ == "VBD" for c in verb.children if c.dep_ in ("aux", "auxpass")
    )


#: Month and weekday words written in lower case are words ("may", "march", "sun"), not dates.
_LOWER_NAME = re.compile(rf"\b(?:{_alt(list(MONTHS) + list(WEEKDAYS))})\b")
#: "in her 80s", "his late sixties": ages, not decades.
_POSSESSIVES: frozenset[str] = frozenset(_V["possessives"])


_TITLE_CASE = re.compile(r"The (?:[A-Z][a-z]+ ?)+")
_MID_SENTENCE = re.compile(r"[a-z,] ")


def _suspicious(text: str, start: int, end: int) -> bool:
    """A span that only looks like a date: a lower-case month word, or a decade of someone's age."""
    if _LOWER_NAME.search(text, start, end):
        return True
    mid_sentence = _MID_SENTENCE.fullmatch(text[max(0, start - 2) : start]) is not None
    if mid_sentence and _TITLE_CASE.fullmatch(text, start, end):
        return True  # "his 1949 debut The Last Days of Dolwyn": a title, mid-sentence
    word, _ = _word_before(text, start)
    decade = _DECADE_WORD.search(text, start, end) is not None
    return (word in _POSSESSIVES and decade) or _age_group(text, start, end)


_BARE_WEEKDAY = re.compile(rf"(?i:{_WD})s?")
_DAY_PARTS = frozenset({"morning", "afternoon", "evening", "night", "noon", "midnight"})


#: words before a weekday that make it a day, whatever follows it
_DAY_PREPOSITIONS = frozenset({"on", "since", "until", "till", "by", "last", "next", "this"})


def _describes_a_thing(page: _Page, start: int, end: int) -> bool:
    """ "The Sunday trade ban", "Sunday opening hours", "USA Today": a weekday describing a
    kind of thing (a plural, or a compound of nouns: every Sunday's), or a newspaper's name,
    names no day. "The Thursday edition" and "the Wednesday special" are that day's."""
    if page.text.endswith("USA ", 0, start):
        return True
    if not page.parsed or not _BARE_WEEKDAY.fullmatch(page.text, start, end):
        return False
    span = page.doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) != 1:
        return False
    root = span.root
    if root.i > 0 and page.doc[root.i - 1].lower_ in _DAY_PREPOSITIONS:
        return False  # "where on Sunday Presidents … signed": the parser's compound is wrong
    head = root.head
    kind = head.tag_ == "NNS" or any(t.pos_ == "NOUN" for t in page.doc[root.i + 1 : head.i])
    return (
        root.dep_ in ("compound", "amod", "nmod")
        and head.pos_ == "NOUN"
        and head.i > root.i
        and head.lemma_.lower() not in _DAY_PARTS
        and kind
    )


_BARE_DECADE = re.compile(r"(?:the\s+)?\d0s")
_AGE_REACH = 300  # characters back to look for the age words of a sentence
#: a decade written in digits or words ("80s", "'80s", "sixties"): after "her", an age
_DECADE_WORD = re.compile(r"(?i)\d0'?s\b|ties\b")
_AGE_WORDS = re.compile(r"(?i)\b(?:age|ages|aged|age group|year-olds?|years old|their|his|her)\b")


def _age_group(text: str, start: int, end: int) -> bool:
    """ "By age group, the 50s had the most…", "women in their 20s and 40s": a two-digit
    decade in a sentence about ages is an age bracket, not the 1950s."""
    if not _BARE_DECADE.fullmatch(text, start, end):
        return False
    floor = max(0, start - _AGE_REACH)  # bounded, so a page of decades stays linear
    sentence = max(text.rfind(". ", floor, start), text.rfind("\n", floor, start), floor - 1) + 1
    return _AGE_WORDS.search(text, sentence, start) is not None


def _reading(page: _Page, start: int, end: int) -> TimeExpr | None:
    """The span as a TimeExpr, or ``None`` when it is no calendar date at all."""
    if _suspicious(page.text, start, end) or _describes_a_thing(page, start, end):
        return None
    text = page.text[start:end]
    tense = _tense(page, start, end)
    anchor = page.anchor
    value = resolve(text, anchor.date, tense=tense, precision=anchor.precision)
    if value is not None:
        return TimeExpr(text, start, end, value[0], value[1])
    if (anchor.date is None or anchor.precision != "day") and resolve(
        text, _DUMMY_ANCHOR, tense=tense
    ):
        return TimeExpr(text, start, end, None, None)
    return None


def _pick(page: _Page, group: list[tuple[int, int]]) -> list[TimeExpr]:
    """The widest reading of a group of overlapping spans, else its pieces that resolve."""
    whole = _reading(page, min(s for s, _ in group), max(e for _, e in group))
    if whole is not None:
        return [whole]
    chosen: list[TimeExpr] = []
    for start, end in sorted(group, key=lambda s: (s[0] - s[1], s[0])):
        if any(start < t.end and t.start < end for t in chosen):
            continue
        found = _reading(page, start, end)
        if found is not None:
            chosen.append(found)
    return sorted(chosen, key=lambda t: t.start)


_DAY_GAP = re.compile(r"[\s(]*(?:,|on|at|-|–)?[\s(]*", re.I)


def _clock_only(text: str) -> bool:
    normalised = _normalise(text)
    m = _CLOCK.search(normalised)
    return m is not None and not _beside_clock(normalised, m)


def _borrow_days(page: _Page, found: list[TimeExpr]) -> list[TimeExpr]:
    """A bare clock time takes the day written right beside it.

    "5:03 AM, February 10", "at 12:20 p.m. on Wednesday (1620 UTC)": the day next to it, or the
    day of the clock time next to it (the one before is settled first), else the anchor's.
    """
    out = list(found)
    for i, expr in enumerate(found):
        if expr.granularity != "time" or expr.date is None or not _clock_only(expr.text):
            continue
        for j in (i + 1, i - 1):
            if not 0 <= j < len(found):
                continue
            other = out[j]
            left, right = (expr, other) if j > i else (other, expr)
            if other.granularity not in ("day", "time") or other.date is None:
                continue
            if other.granularity == "time" and j > i:
                continue
            if _DAY_GAP.fullmatch(page.text, left.end, right.start):
                out[i] = dataclasses.replace(expr, date=f"{other.date[:10]}T{expr.date[11:]}")
                break
        else:
            day = _event_day(page, out, expr)
            if day is not None:
                out[i] = dataclasses.replace(expr, date=f"{day}T{expr.date[11:]}")
    return out


_EVENT_REACH = 1500  # characters back to the day a clock time is on: a few paragraphs


def _event_day(page: _Page, found: list[TimeExpr], expr: TimeExpr) -> str | None:
    """The day of a clock time with no day beside it: the day its sentence names ("on Friday,
    August 30 at the facility at 2:21 p.m."), else the last day the text named before it ("on
    Saturday … the attacks occurred at 4:00 A.M."), as a reader places it, never a day after
    the anchor; ``None`` keeps the anchor's."""
    limit = expr.date[:10] if expr.date else ""
    days = [t for t in found if t.granularity == "day" and t.date and t.date <= limit]
    if not days:
        return None
    if page.parsed:
        span = page.doc.char_span(expr.start, expr.end, alignment_mode="expand")
        if span is not None:
            lo, hi = span.sent.start_char, span.sent.end_char
            inside = [t for t in days if lo <= t.start and t.end <= hi]
            if inside:
                near = min(inside, key=lambda t: abs(t.start - expr.start))
                return near.date
    before = [t for t in days if t.end <= expr.start and expr.start - t.end <= _EVENT_REACH]
    return before[-1].date if before else None


def find_times(doc: Doc, anchor: str | None) -> list[TimeExpr]:
    """Every date expression in ``doc``, resolved against the publication date ``anchor``.

    ``anchor`` is ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``None``; offsets index
    ``doc.text``. See the module docstring for what is kept and how each form resolves.
    """
    page = _Page.of(doc, _parse_anchor(anchor))
    found: list[TimeExpr] = []
    for group in _clusters(_candidates(page)):
        found.extend(_pick(page, group))
    joined = _join_years(page, _join_ranges(page, found))
    return _anaphora(page, _quoted_days(page, _borrow_days(page, joined)))


#: words for the day someone speaks ("today", "tonight", "this morning")
_SPEAKING_DAY = re.compile(r"(?i)to(?:day|night)|this\s+(?:morning|afternoon|evening)")
_QUOTED = re.compile(r"“[^”]{1,3000}”|\"[^\"]{1,3000}\"")


def _quoted_days(page: _Page, found: list[TimeExpr]) -> list[TimeExpr]:
    """ "Today" inside a quote is the day the quote was given: the last day the text named
    before it outside quotes ("On Wednesday, the court ruled … Sturgeon said: "Today's
    judgment…""), else unknown (no date), never simply the publication day."""
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(page.text)]

    def quoted(t: TimeExpr) -> bool:
        return any(a < t.start and t.end < b for a, b in quotes)

    out = list(found)
    for i, expr in enumerate(found):
        if not (_SPEAKING_DAY.fullmatch(expr.text) and expr.date and quoted(expr)):
            continue
        days = [
            t
            for t in found[:i]
            if t.granularity == "day"
            and t.date
            and t.date <= expr.date
            and not quoted(t)
            and expr.start - t.end <= _EVENT_REACH
        ]
        out[i] = dataclasses.replace(expr, date=days[-1].date if days else None)
    return out


_OWN_YEAR = re.compile(r"(?i)(?:last|next|this)\s+year")
_YEAR_GAP = re.compile(r"\s+")


def _join_years(page: _Page, found: list[TimeExpr]) -> list[TimeExpr]:
    """ "August 8 last year", "last year August 8": one day, in the year the words name, where
    the finder saw a day of this year and a year."""
    out: list[TimeExpr] = []
    for expr in found:
        last = out[-1] if out else None
        if last is not None and _YEAR_GAP.fullmatch(page.text, last.end, expr.start):
            pair = (last, expr) if _OWN_YEAR.fullmatch(last.text) else (expr, last)
            year, day = pair
            if (
                _OWN_YEAR.fullmatch(year.text)
                and year.date
                and day.date
                and day.granularity in ("day", "month")
                and not _BARE_YEAR.search(day.text)
                and not page.text.startswith(("'s", "’s"), year.end)  # "last year's winner"
            ):
                date = year.date[:4] + day.date[4:]
                whole = page.text[last.start : expr.end]
                out[-1] = TimeExpr(whole, last.start, expr.end, date, day.granularity)
                continue
        out.append(expr)
    return out


#: "the same year", "that day", "the evening before": a period named by pointing back at the
#: date the text gave last, which is what a reader resolves it against.
_ANAPHORA = re.compile(
    r"(?i)\b(?:(?:the\s+same|that(?:\s+same)?)\s+(?P<unit>day|date|month|year)"
    r"|the\s+(?:day|evening|night)\s+before(?=\s*[,.;:)]|\s*$)"  # not "the day before he left"
    r"|the\s+previous\s+(?:day|evening|night)"
    r"|the\s+(?P<next>next|following)\s+(?:day|morning|evening))\b"
)
_ANAPHORA_REACH = 400  # characters back to the date pointed at: about two sentences
_PRECISION_LEN = {"day": 10, "month": 7, "year": 4}


def _anaphora(page: _Page, found: list[TimeExpr]) -> list[TimeExpr]:
    out = list(found)
    points = [t for t in found if t.date and "/" not in t.date]  # dates one can point back at
    ends = [t.end for t in points]
    for m in _ANAPHORA.finditer(page.text):
        k = bisect_right(ends, m.start())
        if not k or m.start() - ends[k - 1] > _ANAPHORA_REACH:
            continue
        if any(m.start() < t.end and t.start < m.end() for t in points[k - 1 : k + 1]):
            continue
        last = points[k - 1].date or ""
        unit = {None: "day", "date": "day"}.get(m["unit"], m["unit"])
        if len(last) < _PRECISION_LEN[unit]:
            continue  # "that day" after "in 2011": no day to point at
        value = last[: _PRECISION_LEN[unit]]
        if not m["unit"]:  # "the day before", "the next day": one day off the day pointed at
            step = 1 if m["next"] else -1
            value = (dt.date.fromisoformat(value) + dt.timedelta(days=step)).isoformat()
        out.append(TimeExpr(m.group(0), m.start(), m.end(), value, cast(Granularity, unit)))
    return sorted(out, key=lambda t: t.start)


_RANGE_GAP = re.compile(r"\s+(?:and|to|until|till|through)\s+|\s*[-–]\s*", re.I)


def _join_ranges(page: _Page, found: list[TimeExpr]) -> list[TimeExpr]:
    """ "born between 2005 and 2007": one range, where spaCy and the finder saw two years."""
    out: list[TimeExpr] = []
    for expr in found:
        last = out[-1] if out else None
        opener, begins = _word_before(page.text, last.start) if last else ("", 0)
        gap = last is not None and _RANGE_GAP.fullmatch(page.text, last.end, expr.start)
        if gap and opener in ("between", "from"):
            joined = _reading(page, begins, expr.end)
            if joined is not None and joined.granularity == "range":
                out[-1] = joined
                continue
        out.append(expr)
    return out
