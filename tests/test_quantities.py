"""Figures: number parts, ranges and bounds, vague amounts, units, counted things and rates.

Every sentence here is invented for these tests (none is taken from NewsQuant or the corpus).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from newsledger.extract.nlp import get_nlp, parse
from newsledger.extract.quantities import DATA, Amount, counted_head, find_quantities, parse_amount
from newsledger.model import Quantity

# --- parse_amount: the number part alone ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11,000", Amount(11000)),
        ("1,000,000", Amount(1_000_000)),
        ("1.28 million", Amount(1_280_000)),
        ("10K", Amount(10_000)),
        ("1.7bn", Amount(1_700_000_000)),
        ("3.5 bn", Amount(3_500_000_000)),
        (".5", Amount(0.5)),
        ("-3.5", Amount(-3.5)),
        ("minus 5", Amount(-5)),
        ("zero", Amount(0)),
        ("twenty-five", Amount(25)),
        ("two hundred and fifty", Amount(250)),
        ("four hundred million", Amount(400_000_000)),
        ("4 hundred million", Amount(400_000_000)),
        ("one million two hundred thousand", Amount(1_200_000)),
        ("one and a half million", Amount(1_500_000)),
        ("a million", Amount(1_000_000)),
        ("a hundred thousand", Amount(100_000)),
        ("a dozen", Amount(12)),
        ("two dozen", Amount(24)),
        ("half a million", Amount(500_000)),
        ("a quarter million", Amount(250_000)),
        ("one and two thirds", Amount(1 + 2 / 3)),
        ("1/16", Amount(0.0625)),
        ("3 1/2", Amount(3.5)),
        ("½", Amount(0.5)),
        # spelled-out vague amounts: a range, approximate, vague (no number is given)
        ("several thousand", Amount(None, 3000, 9000, approximate=True, vague=True)),
        ("a few hundred", Amount(None, 200, 500, approximate=True, vague=True)),
        ("several", Amount(None, 3, 9, approximate=True, vague=True)),
        ("a couple thousand", Amount(2000, approximate=True)),
        ("a couple of million", Amount(2_000_000, approximate=True)),
        ("dozens", Amount(None, 12, 120, approximate=True, vague=True)),
        ("hundreds", Amount(None, 100, 1000, approximate=True, vague=True)),
        ("tens of thousands", Amount(None, 10_000, 100_000, approximate=True, vague=True)),
        ("hundreds of thousands", Amount(None, 100_000, 1_000_000, approximate=True, vague=True)),
    ],
)
def test_parse_amount(text: str, expected: Amount) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("two-thirds", 2 / 3), ("a third", 1 / 3), ("one out of three", 1 / 3), ("1⁄32", 1 / 32)],
)
def test_parse_amount_fractions(text: str, value: float) -> None:
    amount = parse_amount(text)
    assert amount is not None and amount.value == pytest.approx(value)


def test_parse_amount_scientific_notation() -> None:
    amount = parse_amount("1.99×10−30")
    assert amount is not None and amount.value == pytest.approx(1.99e-30)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "and",
        "thousand",
        "dozen",
        "tens",
        "troops",
        "11,000 troops",  # the unit is not part of the number
        "about 11,000",  # nor the qualifier
        "$5",
        "10-12",  # a range is two numbers
        "million two",
        "two three",
        "1e5",
        "NaN",
        "9" * 400,
    ],
)
def test_parse_amount_rejects(text: str) -> None:
    assert parse_amount(text) is None


def _one_reading(q: Amount | Quantity) -> bool:
    """The model's convention: a value alone, or low/high; a vague figure has no value, and
    low/high only where its words imply a range ("dozens": 12 to 120)."""
    has_value = q.value is not None
    has_bound = q.low is not None or q.high is not None
    if isinstance(q, Quantity) and q.vague:
        return not has_value
    return has_value != has_bound


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=60))
def test_parse_amount_never_raises_and_keeps_one_reading(text: str) -> None:
    amount = parse_amount(text)
    if amount is not None:
        assert _one_reading(amount)
        numbers = [v for v in (amount.value, amount.low, amount.high) if v is not None]
        assert all(math.isfinite(v) for v in numbers)


_SALAD = (
    "a an one two ten twenty five hundred thousand million and half few several couple "
    "dozen dozens of tens minus 3 12 1.5 1,000 k bn - /"
)
_NUMBER_WORDS = st.lists(st.sampled_from(_SALAD.split()), max_size=6)


@settings(max_examples=200, deadline=None, database=None)
@given(_NUMBER_WORDS)
def test_parse_amount_on_number_word_salad(words: list[str]) -> None:
    amount = parse_amount(" ".join(words))
    assert amount is None or _one_reading(amount)


@settings(max_examples=100, deadline=None, database=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_parse_amount_reads_grouped_digits(n: int) -> None:
    assert parse_amount(f"{n:,}") == Amount(n)


# --- find_quantities: figures in parsed text -----------------------------------------------------


def found(text: str) -> list[dict[str, Any]]:
    """The quantities of ``text``, each as its text plus the fields that are set."""
    doc = parse(text)
    out = []
    for q in find_quantities(doc):
        assert doc.text[q.start : q.end] == q.text
        item: dict[str, Any] = {"text": q.text}
        for name in ("value", "low", "high", "unit", "counted", "per"):
            if getattr(q, name) is not None:
                item[name] = getattr(q, name)
        for flag in ("approximate", "vague"):
            if getattr(q, flag):
                item[flag] = True
        out.append(item)
    return out


def people(text: str, counted: str, **reading: Any) -> dict[str, Any]:
    return {"text": text, **reading, "unit": "people", "counted": counted}


CASES: list[tuple[str, list[dict[str, Any]]]] = [
    # digits and words
    (
        "Officials said 1.28 million people fled and 10K troops arrived.",
        [
            people("1.28 million people", "people", value=1_280_000),
            people("10K troops", "troops", value=10_000),
        ],
    ),
    (
        "The ministry counted 11,000 conscripts.",
        [people("11,000 conscripts", "conscripts", value=11_000)],
    ),
    (
        "Several thousand soldiers and a couple thousand volunteers joined.",
        [
            people(
                "Several thousand soldiers",
                "soldiers",
                low=3000,
                high=9000,
                approximate=True,
                vague=True,
            ),
            people("a couple thousand volunteers", "volunteers", value=2000, approximate=True),
        ],
    ),
    (
        "The floods left half a million people homeless.",
        [people("half a million people", "people", value=500_000)],
    ),
    (
        "Dozens of civilians and hundreds of refugees crossed the border.",
        [
            people(
                "Dozens of civilians", "civilians", low=12, high=120, approximate=True, vague=True
            ),
            people(
                "hundreds of refugees", "refugees", low=100, high=1000, approximate=True, vague=True
            ),
        ],
    ),
    (
        "Tens of thousands of residents were evacuated.",
        [
            people(
                "Tens of thousands of residents",
                "residents",
                low=10_000,
                high=100_000,
                approximate=True,
                vague=True,
            )
        ],
    ),
    (
        "The smoke spread hundreds of miles.",
        [
            {
                "text": "hundreds of miles",
                "low": 100,
                "high": 1000,
                "approximate": True,
                "vague": True,
                "unit": "mi",
            }
        ],
    ),
    # vague amounts: kept, with no number, only when people are counted
    (
        "A relatively small number of troops stayed, while a large number of soldiers left.",
        [
            people("A relatively small number of troops", "troops", approximate=True, vague=True),
            people("a large number of soldiers", "soldiers", approximate=True, vague=True),
        ],
    ),
    (
        "He said a “relatively small number” of marines were at the front.",
        [people("a “relatively small number” of marines", "marines", approximate=True, vague=True)],
    ),
    (
        "Many soldiers were tired, several residents left and scores of protesters stayed.",
        [people("scores of protesters", "protesters", approximate=True, vague=True)],
    ),
    # ranges
    (
        "Between 10,000 and 12,000 troops were sent.",
        [people("Between 10,000 and 12,000 troops", "troops", low=10_000, high=12_000)],
    ),
    (
        "The army lost 10,000 to 12,000 troops, or 10,000-12,000 men by other counts.",
        [
            people("10,000 to 12,000 troops", "troops", low=10_000, high=12_000),
            people("10,000-12,000 men", "men", low=10_000, high=12_000),
        ],
    ),
    (
        "The bill could reach $3 billion to $5 billion.",
        [{"text": "$3 billion to $5 billion", "low": 3e9, "high": 5e9, "unit": "USD"}],
    ),
    (
        "Each battalion has 1 to 2 thousand men.",
        [people("1 to 2 thousand men", "men", low=1000, high=2000)],
    ),
    (
        "Turnout rose by 1 to 1.5 percent.",
        [{"text": "1 to 1.5 percent", "low": 1, "high": 1.5, "unit": "percent"}],
    ),
    # a change, then a level: two figures, not a range
    (
        "Shares rose 4 percent to $13.60.",
        [
            {"text": "4 percent", "value": 4, "unit": "percent"},
            {"text": "$13.60", "value": 13.6, "unit": "USD"},
        ],
    ),
    # bounds
    (
        "As high as 100,000 soldiers may follow, and as many as 5,000 officers.",
        [
            people("As high as 100,000 soldiers", "soldiers", high=100_000),
            people("as many as 5,000 officers", "officers", high=5000),
        ],
    ),
    (
        "Up to 100,000 more may come.",
        [{"text": "Up to 100,000", "high": 100_000}],
    ),
    (
        "More than 3,000 soldiers, over 200 tanks and at least 40 aircraft were lost.",
        [
            people("More than 3,000 soldiers", "soldiers", low=3000),
            {"text": "over 200 tanks", "low": 200, "unit": "tank", "counted": "tanks"},
            {"text": "at least 40 aircraft", "low": 40, "unit": "aircraft", "counted": "aircraft"},
        ],
    ),
    (
        "The town sheltered 10,000 or more evacuees.",
        [people("10,000 or more evacuees", "evacuees", low=10_000)],
    ),
    # approximators
    (
        "Nearly 7,000 workers and almost 300 doctors left.",
        [
            people("Nearly 7,000 workers", "workers", value=7000, approximate=True),
            people("almost 300 doctors", "doctors", value=300, approximate=True),
        ],
    ),
    (
        "Roughly 40 nurses, some 500 guards and an estimated 1,200 fighters remained.",
        [
            people("Roughly 40 nurses", "nurses", value=40, approximate=True),
            people("some 500 guards", "guards", value=500, approximate=True),
            people("an estimated 1,200 fighters", "fighters", value=1200, approximate=True),
        ],
    ),
    (
        "The Pentagon said about 11,000 North Korean troops, around 3,000 of them at the front, "
        "and approximately 500 officers were there.",
        [
            people(
                "about 11,000 North Korean troops",
                "North Korean troops",
                value=11_000,
                approximate=True,
            ),
            {"text": "around 3,000", "value": 3000, "approximate": True},
            people("approximately 500 officers", "officers", value=500, approximate=True),
        ],
    ),
    # money
    (
        "Each recruit is paid $2,000 per soldier per month.",
        [
            {
                "text": "$2,000 per soldier per month",
                "value": 2000,
                "unit": "USD",
                "per": "soldier per month",
            }
        ],
    ),
    (
        "Seoul paid 2 million won, Moscow offered 150,000 rubles and Kyiv 40,000 hryvnias.",
        [
            {"text": "2 million won", "value": 2e6, "unit": "KRW"},
            {"text": "150,000 rubles", "value": 150_000, "unit": "RUB"},
            {"text": "40,000 hryvnias", "value": 40_000, "unit": "UAH"},
        ],
    ),
    (
        "The fund holds €3 billion, £40 million and 2 billion dollars.",
        [
            {"text": "€3 billion", "value": 3e9, "unit": "EUR"},
            {"text": "£40 million", "value": 4e7, "unit": "GBP"},
            {"text": "2 billion dollars", "value": 2e9, "unit": "USD"},
        ],
    ),
    (
        "The deal was worth $13.6M, HK$5.4m or A$9bn, depending on the count.",
        [
            {"text": "$13.6M", "value": 13.6e6, "unit": "USD"},
            {"text": "HK$5.4m", "value": 5.4e6, "unit": "HKD"},
            {"text": "A$9bn", "value": 9e9, "unit": "AUD"},
        ],
    ),
    (
        "The team won 3 games.",
        [{"text": "3 games", "value": 3, "unit": "game", "counted": "games"}],
    ),
    # rates
    (
        "Russia recruits 20,000 soldiers monthly and loses over 1,000 troops daily.",
        [
            people("20,000 soldiers monthly", "soldiers", value=20_000, per="month"),
            people("over 1,000 troops daily", "troops", low=1000, per="day"),
        ],
    ),
    (
        "Around 1,000 troops are lost daily.",
        [people("Around 1,000 troops", "troops", value=1000, approximate=True, per="day")],
    ),
    (
        "It spends $5 billion a month, 2% of GDP per year, or $3 billion annually.",
        [
            {"text": "$5 billion a month", "value": 5e9, "unit": "USD", "per": "month"},
            {
                "text": "2% of GDP per year",
                "value": 2,
                "unit": "percent",
                "counted": "GDP",
                "per": "year",
            },
            {"text": "$3 billion annually", "value": 3e9, "unit": "USD", "per": "year"},
        ],
    ),
    (
        "The refinery makes 52,000 barrel-a-day of fuel.",
        [{"text": "52,000 barrel-a-day", "value": 52_000, "unit": "barrel", "per": "day"}],
    ),
    (
        "The lease stayed for a month and cost $900 a year earlier.",
        [{"text": "$900", "value": 900, "unit": "USD"}],
    ),
    # percentages
    (
        "Support fell to 38 per cent, then 35%, and later 30.5 percent.",
        [
            {"text": "38 per cent", "value": 38, "unit": "percent"},
            {"text": "35%", "value": 35, "unit": "percent"},
            {"text": "30.5 percent", "value": 30.5, "unit": "percent"},
        ],
    ),
    # measures
    (
        "The fire burned 120 km², or 46 square miles, and 300 square kilometers more.",
        [
            {"text": "120 km²", "value": 120, "unit": "km2"},
            {"text": "46 square miles", "value": 46, "unit": "mi2"},
            {"text": "300 square kilometers", "value": 300, "unit": "km2"},
        ],
    ),
    (
        "They lost 5,000 tons of grain, 40 acres and 12 hectares, 30 km from the town.",
        [
            {"text": "5,000 tons of grain", "value": 5000, "unit": "ton", "counted": "grain"},
            {"text": "40 acres", "value": 40, "unit": "acre"},
            {"text": "12 hectares", "value": 12, "unit": "ha"},
            {"text": "30 km", "value": 30, "unit": "km"},
        ],
    ),
    (
        "The column moved 25 miles in a five-hour march at 5 mph.",
        [
            {"text": "25 miles", "value": 25, "unit": "mi"},
            {"text": "five-hour", "value": 5, "unit": "hour"},
            {"text": "5 mph", "value": 5, "unit": "mph"},
        ],
    ),
    (
        "The 6kW motor drives a 37m hull.",
        [{"text": "6kW", "value": 6, "unit": "kW"}, {"text": "37m", "value": 37, "unit": "m"}],
    ),
    # durations and ages survive the DATE tag; a bare "Name, 45," is an age
    (
        "Smith, 45, said the 55-year-old general served three years in prison.",
        [
            {"text": "45", "value": 45, "unit": "year-old"},
            {"text": "55-year-old", "value": 55, "unit": "year-old"},
            {"text": "three years", "value": 3, "unit": "year"},
        ],
    ),
    # the counted noun phrase
    (
        "Around 1,000 Russian soldiers dead or wounded were reported.",
        [
            people(
                "Around 1,000 Russian soldiers dead or wounded",
                "Russian soldiers dead or wounded",
                value=1000,
                approximate=True,
            )
        ],
    ),
    (
        "Surgeons performed 700 heart transplants and two of the world's largest operations.",
        [
            {
                "text": "700 heart transplants",
                "value": 700,
                "unit": "heart transplant",
                "counted": "heart transplants",
            },
            {
                "text": "two of the world's largest operations",
                "value": 2,
                "unit": "large operation",
                "counted": "largest operations",
            },
        ],
    ),
    (
        "Mechanics rebuilt a six-cylinder engine.",
        [{"text": "six-cylinder", "value": 6, "unit": "cylinder", "counted": "cylinder"}],
    ),
    (
        "The 100,000 figure was disputed.",
        [{"text": "100,000", "value": 100_000}],
    ),
    # shares are percentages
    (
        "One in five adults and 3 out of 10 voters agreed, as did half of the officers.",
        [
            {"text": "One in five adults", "value": 20, "unit": "percent", "counted": "adults"},
            {"text": "3 out of 10 voters", "value": 30, "unit": "percent", "counted": "voters"},
            {"text": "half of the officers", "value": 50, "unit": "percent", "counted": "officers"},
        ],
    ),
    (
        "The firm raised Rs 500 crore and 3 lakh rupees.",
        [
            {"text": "Rs 500 crore", "value": 5e9, "unit": "INR"},
            {"text": "3 lakh rupees", "value": 3e5, "unit": "INR"},
        ],
    ),
    (
        "Boeing 747 jets and 20 Boeing 737 Max aircraft were grounded.",
        [
            {
                "text": "20 Boeing 737 Max aircraft",
                "value": 20,
                "unit": "Boeing 737 Max aircraft",
                "counted": "Boeing 737 Max aircraft",
            }
        ],
    ),
    (
        "A magnitude 7.1 earthquake followed a 6.8-magnitude quake.",
        [
            {"text": "magnitude 7.1", "value": 7.1, "unit": "magnitude"},
            {"text": "6.8-magnitude", "value": 6.8, "unit": "magnitude"},
        ],
    ),
    # counted words named around the figure rather than right after it
    (
        "Rescuers are finding 300 injured and dead each day, the governor said.",
        [people("300 injured and dead each day", "injured and dead", value=300, per="day")],
    ),
    (
        'The army counts "at least 4,000" Dutch conscripts near Ostwick.',
        [people("at least 4,000", "Dutch conscripts", low=4000)],
    ),
    (
        'The agency kept its figure of "more than 900" evacuated.',
        [people("more than 900", "evacuated", low=900)],
    ),
    (
        "A 2,000-strong column of Brelish marines landed. A 40-strong crew left.",
        [
            people(
                "2,000-strong column of Brelish marines", "column of Brelish marines", value=2000
            ),
            people("40-strong crew", "crew", value=40),
        ],
    ),
    (
        "Police said the number of people still missing had fallen to 31.",
        [people("31", "people still missing", value=31)],
    ),
    (
        "She warned that the number of dead could be as high as 75.",
        [people("as high as 75", "dead", high=75)],
    ),
    (
        "Twelve died and the injured are approaching 500, the mayor said.",
        [{"text": "Twelve", "value": 12, "unit": "people"}, people("500", "injured", value=500)],
    ),
    (
        "Lists put the number of people not yet accounted for at about 70.",
        [people("about 70", "people not yet accounted for", value=70, approximate=True)],
    ),
    # "more" says the figure adds to a count; it is no part of what is counted
    (
        "Dozens more homes were flooded.",
        [
            {
                "text": "Dozens more homes",
                "low": 12,
                "high": 120,
                "approximate": True,
                "vague": True,
                "unit": "home",
                "counted": "homes",
            }
        ],
    ),
    # a count spaCy glues to a word of when is still a count; a clock time is not
    (
        "The toll rose to 14 overnight. They met at 11 today.",
        [{"text": "14", "value": 14, "counted": "toll"}],
    ),
    # the same sum in another currency, in brackets, keeps the bound
    (
        "Bonuses of up to 950,000 rubles (about $10,000) were paid.",
        [
            {"text": "up to 950,000 rubles", "high": 950_000, "unit": "RUB"},
            {"text": "about $10,000", "high": 10_000, "approximate": True, "unit": "USD"},
        ],
    ),
    # a running total that has passed a mark is at least the mark; a count of laws is not
    (
        "Donations have passed $2.5 million. The council passed 12 bylaws.",
        [
            {"text": "$2.5 million", "low": 2_500_000, "unit": "USD"},
            {"text": "12 bylaws", "value": 12, "unit": "bylaw", "counted": "bylaws"},
        ],
    ),
    # a conversion in brackets keeps the bound, and so does a second one beside it
    (
        "The pilot flew at over 100 mph (161 km/h). Usage is upwards of 141 billion liters "
        "(about 37 billion U.S. gallons, 31 billion imperial gallons).",
        [
            {"text": "over 100 mph", "low": 100, "unit": "mph"},
            {"text": "161 km/h", "low": 161, "unit": "km/h"},
            {"text": "upwards of 141 billion liters", "low": 141e9, "unit": "l"},
            {
                "text": "about 37 billion U.S. gallons",
                "low": 37e9,
                "approximate": True,
                "unit": "gal",
            },
            {"text": "31 billion imperial gallons", "low": 31e9, "unit": "imp_gal"},
        ],
    ),
    # a total that exceeded a number is more than it, whatever it counts
    (
        "Some death tolls exceeded 100.",
        [{"text": "100", "low": 100, "unit": "people", "counted": "death tolls"}],
    ),
    # "estimated" as the verb of the sentence is the cue, not a hedge on the figure
    (
        "Reuters estimated 200 people attended. They offered a one million US dollar reward.",
        [
            people("200 people", "people", value=200),
            {"text": "one million US dollar", "value": 1_000_000, "unit": "USD"},
        ],
    ),
    # a count the model tagged as part of a date is still a count when it counts something
    (
        "According to the report dated March 16, the virus claimed 6606 lives.",
        [people("6606 lives", "lives", value=6606)],
    ),
    # a doubled space in the copy does not split a figure from its scale
    (
        "Officials said 5.7  million barrels were lost.",
        [{"text": "5.7  million barrels", "value": 5_700_000, "unit": "barrel"}],
    ),
    # "to" after "from": the unit carries over
    (
        "Mileage rose from about 14-18 mpg to 24.",
        [
            {"text": "about 14-18 mpg", "low": 14, "high": 18, "approximate": True, "unit": "mpg"},
            {"text": "24", "value": 24, "unit": "mpg"},
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_find_quantities(text: str, expected: list[dict[str, Any]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The 11th Corps moved first, and the second battalion followed.",
        "In 2024 the unit, formed in the 1950s, fought on October 28 at 10:30 a.m.",
        "Since 1991 the league has grown; by 2023 it had spread abroad.",
        "The Apollo 11 crew met the FTSE 100 board at Route 66.",
        "Its iPhone 15 Pro and Galaxy S24 phones sold well.",
        "He scored in the 96th minute, and the team won 2-0.",
        "Call 555-0134 or +44 20 7946 0958, or (212) 555-0199 for details.",
        "The widget said 2024-11-01 and 5/12/2024.",
        "Seoul 1.2 C",
        "Weather: Kyiv 3°C, cloudy",
        "1. Troops were sent.\n2) Officers stayed.",
        "No one came, and the one who did left.",
        "A third-party review took this half of the year.",
        "Game 7 is on Channel 5, see page 12 and No. 3.",
        "Stores reopen at 9am and close at 5.30pm.",
        "Visit www.example.com/2024/11/report-10000 or write to desk2024@example.org.",
        "COVID -19 cases fell.",
        "The G7 offered 24/7 coverage of the 9/11 memorials and the P5+1 held 2+2 talks.",
    ],
)
def test_not_quantities(text: str) -> None:
    assert found(text) == []


def test_temperature_in_a_sentence_is_kept() -> None:
    assert found("Temperatures hit 35C in the afternoon.") == [
        {"text": "35C", "value": 35, "unit": "°C"}
    ]


def test_offsets_are_body_offsets() -> None:
    body = "Headline line\nOfficials said about 11,000 North Korean troops arrived.\nMore later."
    doc = parse(body)
    (q,) = find_quantities(doc)
    assert body[q.start : q.end] == q.text == "about 11,000 North Korean troops"
    assert q.start == body.index("about")


def test_counted_head() -> None:
    assert counted_head("North Korean troops") == "troops"
    assert counted_head("Russian soldiers dead or wounded") == "soldiers"
    assert counted_head("") == ""


# --- never raise, stay cheap ---------------------------------------------------------------------


def _check(doc: Doc) -> list[Quantity]:
    quantities = find_quantities(doc)
    text = doc.text  # built afresh on every access
    last_end = 0
    for q in quantities:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.start >= last_end, "quantities overlap or are out of order"
        assert _one_reading(q)
        last_end = q.end
    return quantities


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "$",
        "1",
        "-",
        "a",
        "between and",
        "$ $ $ 5 5 5 % % %",
        "Die Regierung schickte rund 12.000 Soldaten und 3,5 Millionen Euro.",
        "Правительство направило около 12 000 военных.",
        "북한은 러시아에 약 1만 1천 명의 병력을 파견했다.",
        "１２３ 四五六 ٧٨٩",
        "9" * 5000,
        "1,2,3,4,5,6,7,8,9,10," * 50,
    ],
)
def test_never_raises(text: str) -> None:
    _check(parse(text))


def test_page_of_tables_and_numbers() -> None:
    rows = [
        "| Region | 2022 | 2023 | Change | Phone |",
        "|---|---|---|---|---|",
        *[
            f"| R{i} | {i * 1234:,} | {i * 1301:,} | +{i * 0.7:.1f}% | 555-01{i:02d} | {i}/{i}/2024 |"
            for i in range(1, 60)
        ],
        "Totals: 1,234,567 units; $12.5m; 3.2 km; 45 min; 12:30; 7.",
    ]
    quantities = _check(parse("\n".join(rows)))
    assert any(q.unit == "percent" for q in quantities)
    assert not any(q.text.startswith("555") for q in quantities)


def test_docs_without_a_parse() -> None:
    nlp = get_nlp()
    doc = nlp.tokenizer("About 11,000 troops were paid $2,000 a month, up to 5% more.")
    quantities = _check(doc)
    assert [q.text for q in quantities][:2] == ["About 11,000", "$2,000 a month"]
    bare = Doc(
        nlp.vocab, words=["5", "km", "and", "10", "%"], spaces=[True, True, True, False, False]
    )
    _check(bare)


@pytest.mark.slow
def test_two_megabyte_paragraph() -> None:
    """One 2 MB paragraph, tokenised only (spaCy's parser stops at 1 MB): linear, no raise."""
    sentence = (
        "The convoy moved slowly through the valley while about 300 soldiers waited near the "
        "river, and officials said nothing more about the $2,000 monthly pay or the 12 km road. "
    )
    text = sentence * (2_000_000 // len(sentence) + 1)
    doc = get_nlp().tokenizer(text)
    quantities = _check(doc)
    assert len(quantities) >= 3 * (len(text) // len(sentence))


_WORDS = (
    "a an about up to more than between and of per troops soldiers km million thousand "
    "several dozens 2024 the 11th May won USD PS € C F m bn k K"
)
_ALPHABET = st.sampled_from(list("0123456789") * 3 + list(" ,.-%$€£¥~+/()\n") + _WORDS.split())


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(_ALPHABET, max_size=40).map(lambda parts: " ".join(parts)))
def test_find_quantities_on_arbitrary_text(text: str) -> None:
    _check(parse(text))


@settings(max_examples=25, deadline=None, database=None)
@given(st.text(max_size=80))
def test_find_quantities_on_any_unicode(text: str) -> None:
    _check(parse(text))


# --- vocabularies --------------------------------------------------------------------------------


def test_vocabularies_load_and_units_are_unambiguous() -> None:
    units = json.loads((DATA / "units.json").read_text("utf-8"))
    seen: dict[str, str] = {}
    for entry in units["units"] + units["currencies"]:
        for surface in entry.get("symbols", []):
            assert seen.setdefault(surface, entry["unit"]) == entry["unit"], surface
    words = json.loads((DATA / "quantities.json").read_text("utf-8"))
    assert "troops" in words["people_nouns"]


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("Bitcoin is now trading above the $100,000 level.", "low"),
        ("Bitcoin has surpassed the $100,000 mark for the first time.", "low"),
        ("Shares fell below the $10 threshold.", "high"),
        ("It reached the $100 level.", None),
    ],
)
def test_a_price_past_a_named_mark_is_a_bound(text: str, bound: str | None) -> None:
    (figure,) = found(text)
    assert ("low" in figure, "high" in figure) == (bound == "low", bound == "high")


@pytest.mark.parametrize(
    "text",
    [
        "The survivors were one man and one woman.",
        "It is one of the most destructive disasters in the city's history.",
        "The male crew member, Mr. Lee (33), was taken to hospital.",
        "North Korea is one of Russia's few open allies.",
        "Moving from one province of the country to another requires a permit.",
        "She spent the night in a school gym with her two children.",
        "A third president, Richard Nixon, would have faced impeachment.",
        "Officials said a constable, reportedly one Vijayaragavan, saw them.",
        "One senator, Eduardo Bhatia, said he would sue.",
        "One of the men who held him down was James Ford.",
        "All but one of the member states have signed.",
    ],
)
def test_individuals_and_ages_are_no_figures(text: str) -> None:
    assert [f for f in found(text) if f.get("value") in (1, 2, 33, 100 / 3)] == []


def test_one_thing_and_one_toll_are_still_figures() -> None:
    assert found("One cockpit voice recorder was recovered.")[0]["value"] == 1
    assert found("Two children died.")[0]["value"] == 2
    assert found("A third of the troops died.")[0]["unit"] == "percent"
    assert found("At least one soldier died.")[0]["low"] == 1


def test_deaths_count_people() -> None:
    assert found("The county reported five deaths.") == [people("five deaths", "deaths", value=5)]
    # a number word standing alone as who died counts people, even a vague one
    assert found("Dozens died in the attack.") == [
        {
            "text": "Dozens",
            "low": 12,
            "high": 120,
            "unit": "people",
            "approximate": True,
            "vague": True,
        },
    ]
    assert found("Dozens attended.") == []


def test_a_bounded_age_is_an_age() -> None:
    assert [f.get("unit") for f in found("Two victims were aged above 60.")] == [
        "people",
        "year-old",
    ]


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Prices have more than doubled since May.", {"low": 2}),
        ("It was a difference of nearly tenfold.", {"value": 10, "approximate": True}),
        ("Sales tripled in a year.", {"value": 3}),
    ],
)
def test_ratios_in_words_are_figures(text: str, reading: dict[str, Any]) -> None:
    (figure,) = found(text)
    assert {k: figure[k] for k in reading} == reading and figure["unit"] == "times"


@pytest.mark.parametrize("text", ["He doubled down on the claim.", "The gym doubled as a shelter."])
def test_idioms_of_doubling_are_no_figures(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # the scale word of the second number is the first one's too
        ("An estimated two to three hundred vehicles burned.", {"low": 200, "high": 300}),
        ("The fine was five to six million US dollars.",
         {"low": 5_000_000, "high": 6_000_000, "unit": "USD"}),
        # pounds by the million are money, a single pound a weight
        ("The branch had a 24 million pounds operating loss.",
         {"value": 24_000_000, "unit": "GBP"}),
        ("The parcel weighs 300 pounds.", {"value": 300, "unit": "lb"}),
        ("It cost one billion złotys.", {"value": 1_000_000_000, "unit": "PLN"}),
        # a rate per a group of people is one figure
        ("The rate was seven per 100,000 people.", {"value": 7, "per": "100000 people"}),
        # size bounds
        ("The wave was as large as 8 meters.", {"high": 8, "unit": "m"}),
        ("Prices were as low as 3 dollars.", {"low": 3, "unit": "USD"}),
    ],
)  # fmt: skip
def test_scales_currencies_rates_and_size_bounds(text: str, reading: dict[str, Any]) -> None:
    (figure,) = found(text)
    assert {k: figure.get(k) for k in reading} == reading


def test_the_particle_of_a_phrasal_verb_is_no_bound() -> None:
    (figure,) = found("Salling also takes over about 7000 employees from Tesco.")
    assert (figure["text"], figure["value"], figure.get("low")) == (
        "about 7000 employees",
        7000,
        None,
    )


def test_a_number_of_legislators_is_a_vague_count_of_people() -> None:
    (figure,) = found("A number of legislators were removed.")
    assert (figure["text"], figure.get("vague"), figure["unit"]) == (
        "A number of legislators",
        True,
        "people",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 16–17 percent of trade is local.",
         {"text": "About 16–17 percent of trade", "low": 16.0, "high": 17.0, "approximate": True,
          "unit": "percent",
          "counted": "trade"}),
        ("Each carrier was limited to 80 ballots.",
         {"text": "limited to 80 ballots", "high": 80.0, "unit": "ballot", "counted": "ballots"}),
        ("Fees are capped at $500.", {"text": "capped at $500", "high": 500.0, "unit": "USD"}),
        ("The three deceased were contract employees.",
         {"text": "three deceased", "value": 3.0, "unit": "people", "counted": "deceased"}),
        ("The site hosted a quarter million video clips.",
         {"text": "a quarter million video clips", "value": 250_000.0, "unit": "video clip",
          "counted": "video clips"}),
    ],
)  # fmt: skip
def test_dashed_ranges_caps_and_states_as_nouns(text: str, expected: dict[str, Any]) -> None:
    """An en dash between digits is a range; "limited to" caps a figure; "the three deceased"
    counts people by their state."""
    assert found(text) == [expected]
