"""Publication dates: where each candidate came from, which to trust, and when to say "unsure".

Every relative date extracted later ("on Monday") is resolved against the date chosen here, so a
wrong anchor spoils a whole article. Candidates are ranked by how much their source can be trusted:
a header or byline beats the archive's date field, which beats a date in the URL, which beats a
widget date (often the day the page was scraped) or a date found only in running text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

import dateparser

from newsledger.model import DateInfo, DateSource

_ISO = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.IGNORECASE)
_URL_YMD = re.compile(
    r"(?<!\d)(20\d\d|19\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:\d{6})?(?!\d)"
)
_URL_YM = re.compile(r"/(20\d\d|19\d\d)/(0[1-9]|1[0-2])/")
_URL_UNIX = re.compile(r"(?<!\d)(1[3-9]\d{8})(?!\d)")
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
MONTH_DATE = re.compile(
    rf"(({_MONTHS})\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\.?,?\s+\d{{4}})",
    re.IGNORECASE,
)
_WEEKDAY_NAMES = "mon|tue|wed|thu|fri|sat|sun"
_PLACE = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
#: A dateline opening a story: a place (and region), a comma, the day with or without its year,
#: an optional agency, then a dash: "SALLOW CROSS, Wednesday 19 March –", "SEOUL, Dec. 3 (UPI) —".
_DATELINE = re.compile(
    rf"^\s*{_PLACE}(?:,\s*{_PLACE})?,\s+"
    rf"(?:(?P<weekday>(?i:{_WEEKDAY_NAMES}))(?i:[a-z]*)\.?,?\s+)?"
    rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>(?i:{_MONTHS}))\.?"
    rf"|(?P<month2>(?i:{_MONTHS}))\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?)"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    rf"\s*(?:\([^()]{{1,40}}\)\s*)?(?:[—–-]\s|$)"
)
_MONTH_INDEX = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
#: "October 31, 20244 Mins Read": a reading time glued onto the year.
_READING = re.compile(r"(?:(?<=\b\d{4})|\s)\d{1,3}\s*mins?\s*read.*$", re.IGNORECASE)

#: Trust order of date sources, best first.
RANK: tuple[DateSource, ...] = (
    "header",
    "jsonl",
    "html",
    "feed",
    "byline",
    "warc",
    "archive",
    "url",
    "dateline",
    "widget",
    "text",
)
#: Sources that only stand in for a missing date: a widget shows the scrape day, a WARC-Date the
#: capture day, a date in running text may be any day the story mentions. Each is unsure on its
#: own, and none of them disagrees with a real publication date by being later or earlier.
_FALLBACK: frozenset[DateSource] = frozenset({"widget", "warc", "text"})
_WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "DATE_ORDER": "MDY",
    "PARSERS": ["absolute-time", "custom-formats"],
}


def parse_date(text: str) -> tuple[str | None, bool]:
    """An absolute date in a byline or stamp, as ISO, and whether it is ambiguous.

    Numeric dates like 5/12/2024 are ambiguous between orders; a weekday printed beside them
    ("Thu, 5/12/2024") settles it, otherwise the date is returned as unsure.
    """
    text = _READING.sub("", text.strip())
    iso = _ISO.search(text)
    if iso and iso.group(3):
        return _valid(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))), False
    named = MONTH_DATE.search(text)
    if named:
        parsed = dateparser.parse(named.group(0), languages=["en"], settings=_SETTINGS)
        return (parsed.date().isoformat() if parsed else None), False
    numeric = _NUMERIC.search(text)
    if numeric:
        return _numeric(text, numeric)
    return None, False


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _numeric(text: str, found: re.Match[str]) -> tuple[str | None, bool]:
    first, second, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
    options = {_valid(year, first, second), _valid(year, second, first)} - {None}
    weekday = _WEEKDAY.search(text)
    if weekday and len(options) > 1:
        wanted = _WEEKDAY_INDEX[weekday.group(1).lower()[:3]]
        fitting = [o for o in options if o and date.fromisoformat(o).weekday() == wanted]
        if len(fitting) == 1:
            return fitting[0], False
    if len(options) == 1:
        return options.pop(), False
    return (sorted(o for o in options if o)[0] if options else None), True


def from_dateline(text: str, years: Iterable[int]) -> tuple[str | None, bool]:
    """The date of a dateline opening ``text``, and whether it is unsure.

    Datelines often leave the year out ("Wednesday 19 March"), so it comes from ``years``: years
    printed elsewhere on the page, best evidence first (URL, archive field, © line). Each is also
    tried one year back, since a © line is printed when the page is served, and a December story
    read in January carries the new year. A weekday in the dateline must fit the year chosen,
    which then counts as sure; a year taken on evidence alone, with no weekday to check it
    against, is unsure.
    """
    found = _DATELINE.match(text)
    if found is None:
        return None, False
    month = _MONTH_INDEX[(found.group("month") or found.group("month2")).lower()[:3]]
    day = int(found.group("day") or found.group("day2"))
    if found.group("year"):
        return _valid(int(found.group("year")), month, day), False
    tried = list(dict.fromkeys(year - back for year in years for back in (0, 1)))
    weekday = found.group("weekday")
    if weekday is None:
        first = next((value for value in (_valid(y, month, day) for y in tried) if value), None)
        return first, first is not None
    wanted = _WEEKDAY_INDEX[weekday.lower()[:3]]
    for year in tried:
        value = _valid(year, month, day)
        if value and date.fromisoformat(value).weekday() == wanted:
            return value, False
    return None, False


def from_url(url: str | None) -> str | None:
    """A date in a URL path (/2024/10/26/, 2024-12-03, 20241025...) or a Unix timestamp in it."""
    if not url:
        return None
    found = _URL_YMD.search(url)
    if found:
        return _valid(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    month = _URL_YM.search(url)
    if month:
        return f"{month.group(1)}-{month.group(2)}"
    stamp = _URL_UNIX.search(url)
    if stamp:
        moment = datetime.fromtimestamp(int(stamp.group(1)), tz=UTC)
        if 2000 <= moment.year <= 2100:
            return moment.date().isoformat()
    return None


def normalise(value: str | datetime | date | None) -> str | None:
    """Any date value a library hands back, as an ISO date string (or None)."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    iso = _ISO.search(value)
    if iso:
        if iso.group(3):
            return _valid(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        return f"{iso.group(1)}-{iso.group(2)}"
    return parse_date(value)[0]


def choose(candidates: Iterable[tuple[DateSource, str | None, bool]]) -> DateInfo:
    """The most trusted candidate; a fallback date (widget, WARC capture, text) is always unsure.

    When the best candidate and another independent one disagree by more than a few days, the
    date is kept but marked unsure rather than silently trusted. Fallback dates are not
    independent evidence: a page captured months after it was published is not in doubt.
    """
    found = [(source, value, unsure) for source, value, unsure in candidates if value]
    if not found:
        return DateInfo(None, "none", True)
    found.sort(key=lambda item: RANK.index(item[0]))
    source, value, unsure = found[0]
    assert value is not None
    unsure = unsure or source in _FALLBACK
    for other_source, other, _ in found[1:]:
        if other_source not in _FALLBACK and other and _days_apart(value, other) > 3:
            unsure = True
    return DateInfo(value, source, unsure)


def _days_apart(a: str, b: str) -> int:
    if len(a) < 10 or len(b) < 10:
        return 0 if a[:7] == b[:7] or a.startswith(b) or b.startswith(a) else 31
    return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
