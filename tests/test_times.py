"""Date expressions: finding them in parsed text and resolving them against the publication date.

Every sentence here is invented for these tests. The anchor of most of them is Thursday
31 October 2024, the example of the CLI contract ("on Monday" is 28 October 2024).
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from newsledger.extract.nlp import parse
from newsledger.extract.times import find_times, resolve
from newsledger.model import TimeExpr

THURSDAY = dt.date(2024, 10, 31)
ANCHOR = THURSDAY.isoformat()
GRANULARITIES = {"day", "week", "month", "season", "year", "decade", "range", "time"}


def found(sentence: str, anchor: str | None = ANCHOR) -> list[tuple[str, str | None, str | None]]:
    """``(span text, date, granularity)`` of every expression, checking the offsets on the way."""
    doc = parse(sentence)
    times = find_times(doc, anchor)
    for t in times:
        assert doc.text[t.start : t.end] == t.text
    return [(t.text, t.date, t.granularity) for t in times]


# --- resolve: the pure rules ---------------------------------------------------------------------

RESOLVED = [
    # days around the anchor
    ("today", None, ("2024-10-31", "day")),
    ("tonight", None, ("2024-10-31", "day")),
    ("this morning", None, ("2024-10-31", "day")),
    ("yesterday", None, ("2024-10-30", "day")),
    ("yesterday afternoon", None, ("2024-10-30", "day")),
    ("last night", None, ("2024-10-30", "day")),
    ("tomorrow", None, ("2024-11-01", "day")),
    # weekdays: the most recent on or before the anchor, the anchor's own weekday is the anchor
    ("Monday", None, ("2024-10-28", "day")),
    ("on Monday", None, ("2024-10-28", "day")),
    ("Thursday", None, ("2024-10-31", "day")),
    ("Friday", None, ("2024-10-25", "day")),
    ("Friday", "past", ("2024-10-25", "day")),
    ("Friday", "future", ("2024-11-01", "day")),
    ("Thursday", "future", ("2024-10-31", "day")),
    ("last Monday", None, ("2024-10-28", "day")),
    ("last Thursday", None, ("2024-10-24", "day")),
    ("next Monday", None, ("2024-11-04", "day")),
    ("Sunday night", None, ("2024-10-27", "day")),
    ("early Wednesday", None, ("2024-10-30", "day")),
    # calendar units around the anchor
    ("this week", None, ("2024-10-28/2024-11-03", "week")),
    ("earlier this week", None, ("2024-10-28/2024-11-03", "week")),
    ("last week", None, ("2024-10-21/2024-10-27", "week")),
    # "the past/last N units": the stretch of time that ends on the anchor
    ("the last week", None, ("2024-10-24/2024-10-31", "range")),
    ("the past two days", None, ("2024-10-29/2024-10-31", "range")),
    ("the past two weeks", None, ("2024-10-17/2024-10-31", "range")),
    ("the past month", None, ("2024-09-30/2024-10-31", "range")),
    ("the past 30 years", None, ("1994-10-31/2024-10-31", "range")),
    ("the last two years", None, ("2022-10-31/2024-10-31", "range")),
    ("next week", None, ("2024-11-04/2024-11-10", "week")),
    ("last weekend", None, ("2024-10-26/2024-10-27", "range")),
    ("this weekend", None, ("2024-11-02/2024-11-03", "range")),
    ("this month", None, ("2024-10", "month")),
    ("earlier this month", None, ("2024-10", "month")),
    ("last month", None, ("2024-09", "month")),
    ("next month", None, ("2024-11", "month")),
    ("this year", None, ("2024", "year")),
    ("last year", None, ("2023", "year")),
    ("late last year", None, ("2023", "year")),
    ("next year", None, ("2025", "year")),
    ("the end of the year", None, ("2024", "year")),
    ("this fiscal year", None, ("2024", "year")),
    ("last quarter", None, ("2024-07/2024-09", "range")),
    ("this decade", None, ("2020/2029", "decade")),
    # counted back from the anchor
    ("two weeks ago", None, ("2024-10-14/2024-10-20", "week")),
    ("three days ago", None, ("2024-10-28", "day")),
    ("a month ago", None, ("2024-09", "month")),
    ("six years ago", None, ("2018", "year")),
    ("about 20 years ago", None, ("2004", "year")),
    # months without a year: nearest within [-8, +3] months, tense moves them
    ("November", None, ("2024-11", "month")),
    ("in November", None, ("2024-11", "month")),
    ("November", "past", ("2023-11", "month")),
    ("January", None, ("2025-01", "month")),
    ("February", None, ("2024-02", "month")),
    ("June", "future", ("2025-06", "month")),
    ("early December", None, ("2024-12", "month")),
    ("mid-July", None, ("2024-07", "month")),
    ("last June", None, ("2024-06", "month")),
    ("last November", None, ("2023-11", "month")),
    ("next March", None, ("2025-03", "month")),
    ("March last year", None, ("2023-03", "month")),
    # days of a month
    ("August 6th", None, ("2024-08-06", "day")),
    ("6 August", None, ("2024-08-06", "day")),
    ("the 6th of August", None, ("2024-08-06", "day")),
    ("Oct. 28", None, ("2024-10-28", "day")),
    ("Dec. 2", None, ("2024-12-02", "day")),
    ("Dec. 2", "past", ("2023-12-02", "day")),
    ("March 3, 2001", None, ("2001-03-03", "day")),
    ("Monday, Oct. 28", None, ("2024-10-28", "day")),
    ("Saturday, Oct. 28", None, ("2023-10-28", "day")),
    ("2024-10-28", None, ("2024-10-28", "day")),
    ("22/03/2013", None, ("2013-03-22", "day")),
    ("Christmas", None, ("2024-12-25", "day")),
    ("last Christmas", None, ("2023-12-25", "day")),
    # holidays on the n-th weekday of a month: US Labor Day, Thanksgiving, Memorial Day
    ("Labor Day", "past", ("2024-09-02", "day")),
    ("Thanksgiving", None, ("2024-11-28", "day")),
    ("last Memorial Day", None, ("2024-05-27", "day")),
    ("International Women's Day", "past", ("2024-03-08", "day")),
    # months, years, decades, centuries, seasons and parts of years
    ("October 2024", None, ("2024-10", "month")),
    ("May 2010", None, ("2010-05", "month")),
    ("2024", None, ("2024", "year")),
    ("in 2024", None, ("2024", "year")),
    ("fiscal 2023", None, ("2023", "year")),
    ("'58", None, ("1958", "year")),
    ("the 1950s", None, ("1950/1959", "decade")),
    ("the mid-1990s", None, ("1990/1999", "decade")),
    ("the '80s", None, ("1980/1989", "decade")),
    ("the 2000s", None, ("2000/2009", "decade")),
    ("the 1800s", None, ("1800/1899", "range")),
    ("the sixties", None, ("1960/1969", "decade")),
    ("the 20th century", None, ("1900/1999", "range")),
    ("the late 19th century", None, ("1800/1899", "range")),
    ("last summer", None, ("2024-06/2024-08", "season")),
    ("this winter", None, ("2024-12/2025-02", "season")),
    ("the summer of 2012", None, ("2012-06/2012-08", "season")),
    ("the third quarter of 2023", None, ("2023-07/2023-09", "range")),
    ("the first half of 2024", None, ("2024-01/2024-06", "range")),
    ("Q2 2022", None, ("2022-04/2022-06", "range")),
    ("the first week of March", None, ("2024-03", "month")),
    ("earlier in the month", None, ("2024-10", "month")),
    ("later in the week", None, ("2024-10-28/2024-11-03", "week")),
    ("the winter of 2006-07", None, ("2006-12/2007-02", "season")),
    ("the 29th", None, ("2024-10-29", "day")),
    ("the morning of the 29th", None, ("2024-10-29", "day")),
    ("5/11/2024", None, ("2024-11-05", "day")),
    ("5/12/2024", None, ("2024-12-05", "day")),
    ("3/4/2013", None, ("2013-03-04", "day")),
    # since: when it began, the way the date alone reads
    ("since the 1950s", None, ("1950/1959", "decade")),
    ("since 2010", None, ("2010", "year")),
    ("since Wednesday", None, ("2024-10-30", "day")),
    ("since last week", None, ("2024-10-21/2024-10-27", "week")),
    # ranges
    ("between 2009 and 2010", None, ("2009/2010", "range")),
    ("2009-2010", None, ("2009/2010", "range")),
    ("1957-58", None, ("1957/1958", "range")),
    ("the 2009-10 season", None, None),
    ("March 3-5", None, ("2024-03-03/2024-03-05", "range")),
    ("from Monday to Wednesday", None, ("2024-10-28/2024-10-30", "range")),
    # clock times: on the day named beside them, else the anchor's
    ("8 p.m.", None, ("2024-10-31T20:00", "time")),
    ("10:30 a.m. Monday", None, ("2024-10-28T10:30", "time")),
    ("15:00 GMT Saturday", "future", ("2024-11-02T15:00", "time")),
    ("noon Friday", None, ("2024-10-25T12:00", "time")),
    ("midnight", None, ("2024-10-31T00:00", "time")),
    ("1400 GMT", None, ("2024-10-31T14:00", "time")),
]

UNRESOLVED = [
    # vagueness, durations, ages, event-relative expressions and words that only look like dates
    "now",
    "currently",
    "recently",
    "soon",
    "the coming days",
    "in the coming days",
    "recent weeks",
    "the past several months",
    "for three years",
    "three years",
    "24 hours",
    "a decade",
    "four-week",
    "22-year-old",
    "48",
    "a month earlier",
    "the following week",
    "the day",
    "the year",
    "a few days ago",
    "the next year",
    "winter",
    "the 11th hour",
    "the past decade",
    "2:05:46",
    "we",
    "",
    "9/11",
    "24/7",
]


@pytest.mark.parametrize(("text", "tense", "expected"), RESOLVED)
def test_resolve(text: str, tense: str | None, expected: tuple[str, str] | None) -> None:
    assert resolve(text, THURSDAY, tense=tense) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", UNRESOLVED)
def test_resolve_refuses(text: str) -> None:
    assert resolve(text, THURSDAY) is None


def test_resolve_without_anchor_keeps_only_explicit_dates() -> None:
    assert resolve("March 3, 2001", None) == ("2001-03-03", "day")
    assert resolve("the 1950s", None) == ("1950/1959", "decade")
    assert resolve("Monday", None) is None
    assert resolve("last month", None) is None


def test_resolve_with_a_coarse_anchor() -> None:
    october = dt.date(2024, 10, 1)
    assert resolve("last month", october, precision="month") == ("2024-09", "month")
    assert resolve("in November", october, precision="month") == ("2024-11", "month")
    assert resolve("yesterday", october, precision="month") is None
    assert resolve("since 2010", october, precision="month") == ("2010", "year")
    assert resolve("last year", october, precision="year") == ("2023", "year")
    assert resolve("last month", october, precision="year") is None


def test_resolve_moves_a_far_future_day_back_a_year() -> None:
    march = dt.date(2013, 3, 22)
    assert resolve("April 7", march) == ("2013-04-07", "day")
    assert resolve("August", march) == ("2012-08", "month")
    assert resolve("early December", march) == ("2012-12", "month")
    assert resolve("June", march) == ("2013-06", "month")


def test_resolve_on_a_monday_anchor() -> None:
    monday = dt.date(2024, 10, 28)
    assert resolve("last weekend", monday) == ("2024-10-26/2024-10-27", "range")
    assert resolve("Monday", monday) == ("2024-10-28", "day")
    assert resolve("last Monday", monday) == ("2024-10-21", "day")
    assert resolve("this weekend", monday, tense="past") == ("2024-10-26/2024-10-27", "range")


def test_resolve_across_a_year_end() -> None:
    new_year = dt.date(2025, 1, 2)
    assert resolve("last month", new_year) == ("2024-12", "month")
    assert resolve("December 28", new_year) == ("2024-12-28", "day")
    assert resolve("last week", new_year) == ("2024-12-23/2024-12-29", "week")
    assert resolve("this week", new_year) == ("2024-12-30/2025-01-05", "week")
    assert resolve("last winter", new_year) == ("2023-12/2024-02", "season")


_VALUE_SHAPES = {
    "day": r"\d{4}-\d{2}-\d{2}",
    "week": r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}",
    "month": r"\d{4}-\d{2}",
    "season": r"\d{4}-\d{2}/\d{4}-\d{2}",
    "year": r"\d{4}",
    "decade": r"\d{4}/\d{4}",
    "range": r"[\d-]+/[\d-]+",
    "time": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}",
}

_WORDS = tuple(
    re.split(
        r"\s+",
        "on in since last next this the early late mid of a two 3 20 ago week month year weekend "
        "Monday Friday may May March June 2024 1950s '80s 6th August Oct. , - / and to at 8 "
        "p.m. GMT noon today yesterday tonight quarter half first summer winter century 19th now",
    )
)
_PHRASES = st.lists(st.sampled_from(_WORDS), max_size=6).map(" ".join)


@settings(max_examples=50, deadline=None)
@given(
    text=st.one_of(st.text(max_size=60), _PHRASES),
    anchor=st.one_of(st.none(), st.dates()),
    tense=st.sampled_from([None, "past", "future"]),
    precision=st.sampled_from(["day", "month", "year"]),
)
def test_resolve_never_raises_and_is_well_formed(
    text: str, anchor: dt.date | None, tense: str | None, precision: str
) -> None:
    result = resolve(text, anchor, tense=tense, precision=precision)  # type: ignore[arg-type]
    if result is not None:
        value, granularity = result
        assert granularity in GRANULARITIES
        if anchor is not None and 1000 <= anchor.year <= 9000:
            assert re.fullmatch(_VALUE_SHAPES[granularity], value), result


# --- find_times: spans in parsed text ------------------------------------------------------------


def test_contract_example() -> None:
    """The span of "on Monday" is "Monday": prepositions are never part of a span."""
    assert found("The ministry confirmed the figure on Monday.") == [
        ("Monday", "2024-10-28", "day")
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The ferry operator said yesterday that sailings would resume tonight.",
            [("yesterday", "2024-10-30", "day"), ("tonight", "2024-10-31", "day")],
        ),
        (
            "Talks collapsed last week, and the union said on Thursday it would strike.",
            [("last week", "2024-10-21/2024-10-27", "week"), ("Thursday", "2024-10-31", "day")],
        ),
        (
            "Fares rose earlier this month after falling last month.",
            [("earlier this month", "2024-10", "month"), ("last month", "2024-09", "month")],
        ),
        (
            "The council meets this week and will vote next week.",
            [
                ("this week", "2024-10-28/2024-11-03", "week"),
                ("next week", "2024-11-04/2024-11-10", "week"),
            ],
        ),
        (
            "The dam was inspected two weeks ago and again three days ago.",
            [
                ("two weeks ago", "2024-10-14/2024-10-20", "week"),
                ("three days ago", "2024-10-28", "day"),
            ],
        ),
        (
            "Floods have hit the valley since the 1950s, and the 1980s were the worst decade.",
            [("since the 1950s", "1950/1959", "decade"), ("the 1980s", "1980/1989", "decade")],
        ),
        (
            "The inquiry opened on 6 August and reported in October 2024.",
            [("6 August", "2024-08-06", "day"), ("October 2024", "2024-10", "month")],
        ),
        (
            "The bridge closed on August 6th and should reopen in November.",
            [("August 6th", "2024-08-06", "day"), ("November", "2024-11", "month")],
        ),
        (
            "Harvests fell in 2024 and last year, the ministry said.",
            [("2024", "2024", "year"), ("last year", "2023", "year")],
        ),
        (
            "The mill was founded in the mid-1990s and listed on March 3, 2001.",
            [("the mid-1990s", "1990/1999", "decade"), ("March 3, 2001", "2001-03-03", "day")],
        ),
        (
            "Last summer the river flooded, and this winter it may freeze.",
            [
                ("Last summer", "2024-06/2024-08", "season"),
                ("this winter", "2024-12/2025-02", "season"),
            ],
        ),
        (
            "Output in the third quarter of 2023 beat the first half of the year.",
            [
                ("the third quarter of 2023", "2023-07/2023-09", "range"),
                ("the first half of the year", "2024-01/2024-06", "range"),
            ],
        ),
        (
            "The plan was announced on Oct. 28 and costed between 2009 and 2010.",
            [("Oct. 28", "2024-10-28", "day"), ("between 2009 and 2010", "2009/2010", "range")],
        ),
        (
            "Many of the recruits were born between 2005 and 2007, officials said.",
            [("between 2005 and 2007", "2005/2007", "range")],
        ),
        (
            "This year's harvest, like last year's, came in late.",
            [("This year", "2024", "year"), ("last year", "2023", "year")],
        ),
        (
            'She wrote: "Last year August 8 was a happy day." He won on March 3 last year.',
            [
                ("Last year August 8", "2023-08-08", "day"),
                ("March 3 last year", "2023-03-03", "day"),
            ],
        ),
        (
            "He moved to the town a year-and-a-half ago, and to the coast two years and a half ago.",
            [
                ("a year-and-a-half ago", "2023-04", "month"),
                ("two years and a half ago", "2022-04", "month"),
            ],
        ),
        (
            "Outlets reported it on Monday. The press asked the mayor about it that same day.",
            [("Monday", "2024-10-28", "day"), ("that same day", "2024-10-28", "day")],
        ),
    ],
)
def test_find_times(sentence: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(sentence) == expected


def test_tense_moves_weekdays_and_months() -> None:
    assert found("The board will meet on Friday.") == [("Friday", "2024-11-01", "day")]
    assert found("The board met on Friday.") == [("Friday", "2024-10-25", "day")]
    assert found("The service started in November.") == [("November", "2023-11", "month")]
    assert found("The match has been postponed until Saturday.") == [
        ("Saturday", "2024-11-02", "day")
    ]
    assert found("The road was closed until Saturday.") == [("Saturday", "2024-10-26", "day")]
    # an order to do something on a day is ahead, unless the order itself is told as done
    assert found("I have instructed the panel to report on Monday.") == [
        ("Monday", "2024-11-04", "day")
    ]
    assert found("He was ordered to appear in court on Monday.") == [
        ("Monday", "2024-10-28", "day")
    ]
    assert found("Funding runs through September.") == [("September", "2025-09", "month")]
    assert found("The report is due out in March.") == [("March", "2025-03", "month")]
    assert found("The report was published in March.") == [("March", "2024-03", "month")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Now the union is currently weighing its options, and we may strike.",
        "A spokesman said recently that talks would resume in the coming days.",
        "He served for three years, and the outage lasted 24 hours.",
        "The mayor, 48, praised the 22-year-old volunteer.",
        "Some 2000 soldiers and 1500 vehicles crossed; the figure rose 2024 per cent.",
        "She is in her 80s and he is in his late sixties.",
        "Protesters march each day and may return; Theresa May said nothing.",
        "The visitors pulled away in the second half despite an off day in front of goal.",
        "The actor stayed at the inn while filming his debut The Last Days of the Valley.",
    ],
)
def test_find_times_drops_non_dates(sentence: str) -> None:
    assert found(sentence) == []


def test_clock_times_and_their_days() -> None:
    """A bare clock time is on the day written beside it, else on the anchor's day."""
    assert found("The polls closed at 8 p.m. on Sunday night.") == [
        ("8 p.m.", "2024-10-27T20:00", "time"),
        ("Sunday night", "2024-10-27", "day"),
    ]
    assert found("The valve failed at 5:10 AM, October 29, 2024, engineers said.") == [
        ("5:10 AM", "2024-10-29T05:10", "time"),
        ("October 29, 2024", "2024-10-29", "day"),
    ]
    assert found("The sirens sounded at 3:30am.") == [("3:30am", "2024-10-31T03:30", "time")]
    assert found("The dam gave way at 4 p.m. on Tuesday (1400 GMT).") == [
        ("4 p.m.", "2024-10-29T16:00", "time"),
        ("Tuesday", "2024-10-29", "day"),
        ("1400 GMT", "2024-10-29T14:00", "time"),
    ]


def test_today_in_a_quote_is_the_day_the_quote_was_given() -> None:
    """ "Today" quoted is the last day named before, outside quotes; with none it is unknown.
    Outside quotes, "today" stays the publication day."""
    assert found('On Tuesday the court ruled. The minister said, "Today is a good day."') == [
        ("Tuesday", "2024-10-29", "day"),
        ("Today", "2024-10-29", "day"),
    ]
    assert found('The minister said, "Today is a good day."') == [("Today", None, "day")]
    assert found("The minister said today that it was a good day.") == [
        ("today", "2024-10-31", "day")
    ]


def test_clock_times_take_the_day_of_the_event() -> None:
    """With no day beside it, a clock time is on the day its sentence names, else on the last
    day named before it: a reader never puts the event on the publication day."""
    assert found("The quake struck at 7:37 p.m. local time (1137 UTC) on Tuesday.") == [
        ("7:37 p.m. local time", "2024-10-29T19:37", "time"),
        ("1137 UTC", "2024-10-29T11:37", "time"),
        ("Tuesday", "2024-10-29", "day"),
    ]
    assert found("The drones came on Sunday. The attacks occurred at 4:00 a.m. local time.") == [
        ("Sunday", "2024-10-27", "day"),
        ("4:00 a.m. local time", "2024-10-27T04:00", "time"),
    ]
    # a day after the anchor is a plan, not the day of the event told
    assert found("The vote is next Friday. The polls closed at 8 p.m.") == [
        ("next Friday", "2024-11-01", "day"),
        ("8 p.m.", "2024-10-31T20:00", "time"),
    ]


def test_without_an_anchor_relative_dates_have_no_date() -> None:
    assert found("The ministry confirmed the figure on Monday, March 3, 2001.", None) == [
        ("Monday, March 3, 2001", "2001-03-03", "day")
    ]
    assert found("Prices rose on Monday after a fall in 2019.", None) == [
        ("Monday", None, None),
        ("2019", "2019", "year"),
    ]


def test_with_a_month_anchor() -> None:
    assert found("Prices rose last month and fell yesterday.", "2024-10") == [
        ("last month", "2024-09", "month"),
        ("yesterday", None, None),
    ]


def test_invalid_anchor_is_no_anchor() -> None:
    assert found("Prices rose yesterday.", "not a date") == [("yesterday", None, None)]
    assert found("Prices rose yesterday.", "2024-02-30") == [("yesterday", None, None)]


# --- robustness ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blank() -> spacy.language.Language:
    """A tokenizer-only pipeline: no entities, no parse, as a degraded caller might pass."""
    nlp = spacy.blank("en")
    nlp.max_length = 3_000_000
    return nlp


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "Die Regierung hat am Montag, dem 28. Oktober 2024, neue Zahlen vorgelegt.",
        "政府は月曜日に新しい数字を発表した。",
        "2019 2020 2021 2022\n1 2 3 4\n12.5 13.5 14.5 15.5\n2,019 2,020\n",
        "May may MAY march March sun Sun we We now NOW 11th 1st",
        "Monday" * 50,
        "since since since the the the 1950s-1960s-1970s",
    ],
)
def test_find_times_never_raises(text: str, blank: spacy.language.Language) -> None:
    for doc in (parse(text), blank(text)):
        for t in find_times(doc, ANCHOR):
            assert isinstance(t, TimeExpr)
            assert doc.text[t.start : t.end] == t.text


def test_long_paragraph_is_cheap(blank: spacy.language.Language) -> None:
    """A 2 MB paragraph with no line break: no error, offsets right, in seconds."""
    sentence = "Prices rose on Monday, last week and in 2019, up 4,000 tonnes in 24 hours; "
    text = sentence * (2_000_000 // len(sentence))
    doc = blank(text)
    begun = time.perf_counter()
    times = find_times(doc, ANCHOR)
    assert time.perf_counter() - begun < 20
    assert len(times) == 3 * (2_000_000 // len(sentence))
    last = times[-1]
    assert text[last.start : last.end] == last.text == "2019"


@settings(max_examples=50, deadline=None)
@given(
    text=st.one_of(st.text(max_size=200), _PHRASES),
    anchor=st.one_of(st.none(), st.text(max_size=12), st.dates().map(dt.date.isoformat)),
)
def test_find_times_on_arbitrary_text(text: str, anchor: str | None) -> None:
    doc = spacy.blank("en")(text) if len(text) % 2 else parse(text)
    for t in find_times(doc, anchor):
        assert doc.text[t.start : t.end] == t.text
        assert t.text.strip() == t.text and t.text
        assert t.granularity in GRANULARITIES or (t.date is None and t.granularity is None)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On Feb.2, 2011, it hit $1.", ("Feb.2, 2011", "2011-02-02", "day")),
        ("The airline confirmed (29-Dec-2024) the crash.", ("29-Dec-2024", "2024-12-29", "day")),
        ("Year to date, prices have doubled.", ("Year to date", "2024-01-01/2024-10-31", "range")),
    ],
)
def test_glued_and_market_forms_are_dates(
    sentence: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert found(sentence) == [expected]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("It began in 2011. During the same year, it crashed.", ("the same year", "2011", "year")),
        ("They met on Monday. That day, it rained.", ("That day", "2024-10-28", "day")),
        ("Lawmakers voted on Tuesday to lift the decree of the evening before.",
         ("the evening before", "2024-10-28", "day")),
        ("The dam broke in March 2023. The next day, the town flooded.",
         None),  # a month gives no day to count from
        ("He wrote on Monday, the day before the son reported him missing.",
         None),  # "before" with an event after it dates nothing by itself
    ],
)  # fmt: skip
def test_a_date_pointing_back_takes_the_date_named_last(
    sentence: str, expected: tuple[str, str | None, str | None] | None
) -> None:
    times = found(sentence)
    pointing = [t for t in times if t[0].lower().startswith(("the ", "that"))]
    assert pointing == ([expected] if expected else [])


def test_a_date_pointing_back_needs_a_date_close_before() -> None:
    far = "It began in 2011. " + "Nothing else happened then, or later on. " * 12
    assert found(far + "That year was long.") == [("2011", "2011", "year")]


@pytest.mark.parametrize(
    "sentence",
    [
        "By age group, the 50s had the most with 40 passengers, followed by 40s (32).",
        "The two survivors were women in their 20s and 40s.",
    ],
)
def test_two_digit_decades_among_ages_are_no_dates(sentence: str) -> None:
    assert found(sentence) == []


def test_a_two_digit_decade_elsewhere_is_still_one() -> None:
    assert found("Rock music of the 60s changed everything.") == [("60s", "1960/1969", "decade")]


def test_would_in_a_reported_clause_looks_ahead() -> None:
    sentence = "He added that divers would begin searching the cellars on Wednesday."
    assert found(sentence) == [("Wednesday", "2024-11-06", "day")]


def test_as_of_that_date_is_the_date_named_before() -> None:
    sentence = "Zelensky said on Monday that 3,800 had been killed as of that date."
    assert found(sentence)[-1] == ("that date", "2024-10-28", "day")


def test_a_date_after_its_is_a_date_and_a_decade_after_her_an_age() -> None:
    assert found("Coles, in its March 8 media release, reported sales.") == [
        ("March 8", "2024-03-08", "day")
    ]
    assert found("She is in her 80s.") == []


def test_a_numbered_flight_is_no_year() -> None:
    assert found("Air India Express flight 1344 was en route from Dubai.") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a week ago is the day seven days back, two weeks ago that week
        ("He was released a week ago.", [("a week ago", "2024-10-24", "day")]),
        # a conjunct verb shares the plan of the verb it is joined to
        ("The capsule is scheduled to remain at the station and return to Earth on Friday.",
         [("Friday", "2024-11-01", "day")]),
        # a weekday describing a noun, and a newspaper, name no day
        ("The Sunday trade ban hurt sales.", []),
        ("The law allows Sunday opening hours.", []),
        ("The Thursday edition sold out.", [("Thursday", "2024-10-31", "day")]),
        ("Both firms have operated for years, according to USA Today.", []),
        ("Stores opened on Sunday morning.", [("Sunday morning", "2024-10-27", "day")]),
        # after "on", a weekday is a day even where the parser hangs it on the next noun
        ("The summit where on Sunday Presidents Buhari and Talon signed the deal ended.",
         [("Sunday", "2024-10-27", "day")]),
        # "the past year" ends on the anchor, like "the past week"; "last year" is the calendar one
        ("The outbreak has lasted for roughly the past year, worse than last year.",
         [("the past year", "2023-10-31/2024-10-31", "range"),
          ("last year", "2023", "year")]),
    ],
)  # fmt: skip
def test_ago_plans_and_weekdays_that_are_no_days(
    sentence: str, expected: list[tuple[str, str, str]]
) -> None:
    assert found(sentence) == expected
