"""Properties that must hold for any input: readers, chrome classifier, figures, dates, records.

Each test states a rule the rest of the system relies on (a reader raises nothing but
``InputError``; every offset indexes its text; a resolved date is a real date; a record read
back equals the one written) and lets hypothesis look for an input that breaks it. The inputs
mix arbitrary text and bytes with news-like word salad, so both the odd corners and the paths
real articles take are reached. The spaCy-backed tests keep ``max_examples`` low.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsledger.config import Limits
from newsledger.errors import InputError
from newsledger.extract.nlp import get_nlp, parse
from newsledger.extract.quantities import find_quantities, parse_amount
from newsledger.extract.times import find_times, resolve
from newsledger.ingest import chrome, read_bytes
from newsledger.ingest.dedup import Signature, containment, signature
from newsledger.ingest.document import document_id, plain_text
from newsledger.ingest.feeds import read_feed
from newsledger.ingest.html import read_html
from newsledger.ingest.jsonl import read_jsonl
from newsledger.ingest.text import read_text
from newsledger.model import Change, Citation, DateInfo, Document, Failure, Provenance
from newsledger.store import Store

LIMITS = Limits(document_seconds=None)  # hypothesis's own deadline handling is off instead
FAST = settings(max_examples=150, deadline=None, database=None)
SLOW = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# --- strategies ---------------------------------------------------------------------------------

_VOCABULARY = [
    "the",
    "a",
    "council",
    "ministry",
    "said",
    "on",
    "Monday",
    "Tuesday",
    "that",
    "about",
    "1,200",
    "3.5",
    "million",
    "$40m",
    "12%",
    "ferry",
    "workers",
    "would",
    "strike",
    "in",
    "Portwell",
    "Harrowgate",
    "–",
    "—",
    "“quoted”",
    "‘single’",
    "café",
    "naïve",
    "2024",
    "October",
    "31",
    "Oct.",
    "last",
    "week",
    "since",
    "1990s",
    "By",
    "Jane",
    "Roe",
    "Share",
    "Advertisement",
    "Subscribe",
    "Sign",
    "in",
    "Copyright",
    "©",
    "reporters",
    ".",
    ",",
    ";",
    ":",
    "!",
    "?",
    "(",
    ")",
    "-",
    "/",
    "|",
    "&",
    "<",
    ">",
    "#",
    "@",
    "10:30",
    "am",
    "GMT",
    "20°C",
    "Updated:",
    "Published",
    "5",
    "min",
    "read",
    "Home",
    "›",
    "World",
    "»",
    "Politics",
    "Related",
    "stories",
    "Most",
    "read",
]
words = st.lists(st.sampled_from(_VOCABULARY), max_size=40).map(" ".join)
#: Sentences that read as article prose, so the readers' full path (a stored body) is taken.
prose = st.lists(st.sampled_from(_VOCABULARY), min_size=8, max_size=30).map(
    lambda ws: " ".join(["the", *ws]).lower() + "."
)
lines = st.one_of(
    words,
    prose,
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            "---",
            "URL: https://gazette.example/ferry-strike-talks-collapse",
            "TITLE: Talks",
            "DATE: 2024-10-31",
            "AUTHOR: Jane Roe",
            "Share",
            "- Advertisement -",
            "By Jane Roe",
            "October 31, 2024",
            "Most Popular",
            "SEOUL, Dec. 3 (UPI) —",
            "\t",
            "\u200b",
            "\x00",
        ]
    ),
)
page_text = st.lists(lines, max_size=16).map("\n".join)

_TAGS = ["p", "div", "article", "span", "a", "h1", "h2", "li", "ul", "table", "td", "br", "b"]


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(_TAGS), st.lists(children, max_size=4)).map(
        lambda t: f"<{t[0]}>" + "".join(t[1]) + f"</{t[0]}>"
    )


html_fragments = st.recursive(
    st.one_of(words, prose, st.text(max_size=20)), _element, max_leaves=12
)
html_pages = st.tuples(st.one_of(st.none(), words), html_fragments).map(
    lambda t: (
        "<!DOCTYPE html><html><head>"
        + (f"<title>{t[0]}</title>" if t[0] is not None else "")
        + f"</head><body>{t[1]}</body></html>"
    )
)
json_values = st.one_of(
    st.sampled_from(["\ud800", "\x00", "a\udfff b", "\u202e"]),  # st.text has no surrogates
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    words,
    prose,
    st.text(max_size=30),
)
json_records = st.dictionaries(
    st.sampled_from(["text", "html", "title", "url", "published", "outlet", "other"]),
    st.one_of(json_values, html_pages, st.lists(json_values, max_size=3)),
    max_size=5,
)
jsonl_texts = st.lists(
    st.one_of(json_records.map(json.dumps), st.text(max_size=40), st.just("{")), max_size=6
).map("\n".join)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


feeds = st.lists(
    st.tuples(words, st.one_of(prose, html_pages, st.text(max_size=40))), max_size=4
).map(
    lambda items: (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>'
        + "".join(
            f"<item><title>{_escape(t)}</title><description>{_escape(b)}</description></item>"
            for t, b in items
        )
        + "</channel></rss>"
    )
)
_ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "cp1252", "latin-1", "utf-8-sig"]
documents_as_bytes = st.tuples(
    st.one_of(page_text, html_pages, jsonl_texts, feeds, st.text(max_size=200)),
    st.sampled_from(_ENCODINGS),
    st.booleans(),
).map(lambda t: _encoded(*t))
raw_inputs = st.one_of(documents_as_bytes, st.binary(max_size=3000))
names = st.sampled_from(["a.txt", "a.html", "a.jsonl", "a.rss", "a.xml", "a.warc", "a.txt.gz", "a"])


def _encoded(text: str, encoding: str, gzipped: bool) -> bytes:
    data = text.encode(encoding, errors="replace")
    return gzip.compress(data) if gzipped else data


# --- what every reader result must be -------------------------------------------------------------

_ISO_VALUE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")


def _check_document(document: Document, source: str) -> None:
    assert isinstance(document.body, str) and document.body == document.body.strip()
    assert len(document.body.split()) >= 8
    assert document.id == document_id(document.body)
    assert not _CONTROL.search(document.body)
    document.body.encode("utf-8")  # storable: no lone surrogates
    for value in (document.title, document.author, document.outlet, document.section):
        assert value is None or (isinstance(value, str) and value == value.strip() and value)
        assert value is None or not _CONTROL.search(value)
    for date in (document.published, document.updated):
        assert date.value is None or _valid_partial_date(date.value), date
    assert document.provenance.input == source


def _valid_partial_date(value: str) -> bool:
    if not _ISO_VALUE.fullmatch(value):
        return False
    parts = [int(p) for p in value.split("-")]
    padded = [*parts, 1, 1][:3]
    try:
        dt.date(*padded)
    except ValueError:
        return False
    return True


def _check_results(results: list[Document | Failure], source: str) -> None:
    for result in results:
        if isinstance(result, Failure):
            assert result.input == source
            assert re.fullmatch(r"E\d{3}", result.code) and result.reason.strip()
        else:
            assert isinstance(result, Document), result
            _check_document(result, source)


def _read(data: bytes, name: str) -> list[Document | Failure]:
    try:
        return list(read_bytes(data, name, LIMITS))
    except (
        InputError
    ) as exc:  # the one exception readers may raise; read_one turns it into a Failure
        assert re.fullmatch(r"E\d{3}", exc.code) and exc.reason.strip()
        return []


def _provenance(fmt: str = "text") -> Provenance:
    return Provenance(input="mem", format=fmt)  # type: ignore[arg-type]


# --- readers ----------------------------------------------------------------------------------------


@FAST
@given(data=raw_inputs, name=names)
def test_any_bytes_read_to_documents_or_failures(data: bytes, name: str) -> None:
    _check_results(_read(data, name), name)


@FAST
@given(text=page_text)
def test_text_reader(text: str) -> None:
    try:
        document = read_text(text, _provenance())
    except InputError:
        return
    _check_document(document, "mem")
    assert all(line.strip() in plain_text(text) for line in document.body.split("\n\n"))


@FAST
@given(page=st.one_of(html_pages, st.text(max_size=300)))
def test_html_reader(page: str) -> None:
    try:
        document = read_html(page, _provenance("html"), LIMITS)
    except InputError:
        return
    _check_document(document, "mem")


@FAST
@given(text=jsonl_texts)
def test_jsonl_reader_reports_bad_lines_and_raises_nothing(text: str) -> None:
    results = list(read_jsonl(text, _provenance("jsonl"), LIMITS))
    _check_results(results, "mem")
    numbered = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    records = [r.provenance.record if isinstance(r, Document) else r.record for r in results]
    assert records == numbered  # one outcome per non-blank line, in order


@FAST
@given(feed=st.one_of(feeds, st.text(max_size=200)))
def test_feed_reader(feed: str) -> None:
    try:
        results = list(read_feed(feed.encode("utf-8", "replace"), _provenance("feed"), LIMITS))
    except InputError:
        return
    _check_results(results, "mem")


# --- chrome classifier ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.one_of(page_text, st.text(max_size=300)), known=st.one_of(st.none(), words))
def test_classifier_labels_every_line_once(text: str, known: str | None) -> None:
    found = chrome.classify(text, known)
    raws = text.splitlines()
    numbers = [line.number for line in found.lines]
    assert numbers == sorted(set(numbers)) and all(1 <= n <= len(raws) for n in numbers)
    for line in found.lines:
        assert line.raw == raws[line.number - 1]
        assert line.label in ("body", "title", "meta", "chrome")
        assert line.text in line.raw and line.text == line.text.strip()
    assert found.title is None or isinstance(found.title, str)
    if known:
        assert found.title == known
    assert found.archive_date is None or _ISO_VALUE.fullmatch(found.archive_date)
    assert [line.text for line in found.body_lines] == [
        line.text for line in found.lines if line.label == "body"
    ]


# --- figures ------------------------------------------------------------------------------------

_NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(lambda n: f"{n:,}"),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False).map(str),
    st.sampled_from(["two", "a dozen", "hundreds", "several thousand", "1.5bn", "10K", "½", "-3"]),
)
_AROUND = st.sampled_from(
    [
        "about",
        "up to",
        "more than",
        "between",
        "and",
        "to",
        "$",
        "€",
        "£",
        "%",
        "per cent",
        "km",
        "troops",
        "people",
        "a day",
        "per week",
        "million",
        "billion",
        "-",
        "–",
        "/",
        "(",
        ")",
        ",",
        ".",
    ]
)
figures_text = st.lists(
    st.one_of(_NUMBERS, _AROUND, st.sampled_from(_VOCABULARY)), max_size=30
).map(" ".join)


def _check_quantities(text: str, doc: Any) -> None:
    for q in find_quantities(doc):
        assert 0 <= q.start < q.end <= len(text), q
        assert text[q.start : q.end] == q.text
        numbers = [v for v in (q.value, q.low, q.high) if v is not None]
        assert q.vague or numbers, q  # a figure has a value, a bound, or says it is vague


@FAST
@given(text=st.one_of(figures_text, st.text(max_size=80)))
def test_quantity_offsets_index_the_text_tokenised(text: str) -> None:
    _check_quantities(text, get_nlp().tokenizer(text))


@SLOW
@given(text=figures_text)
def test_quantity_offsets_index_the_text_parsed(text: str) -> None:
    _check_quantities(text, parse(text))


@FAST
@given(n=st.integers(min_value=1, max_value=999_999), cents=st.integers(min_value=0, max_value=99))
def test_parse_amount_reads_decimals_and_scale_words(n: int, cents: int) -> None:
    amount = parse_amount(f"{n}.{cents:02d} million")
    assert amount is not None and amount.value is not None
    assert abs(amount.value - (n + cents / 100) * 1_000_000) < 1e-3 * max(1, n)


# --- dates --------------------------------------------------------------------------------------

_DATE_PHRASES = st.sampled_from(
    [
        "on Monday",
        "last week",
        "next month",
        "yesterday",
        "October 3",
        "3 October 2024",
        "in 2019",
        "the 1990s",
        "early March",
        "between May and June",
        "2024-10-31",
        "Q3 2024",
        "10/11/2024",
        "at 10:30 am on Friday",
        "two days ago",
        "this weekend",
        "Christmas",
        "the first half of 2023",
        "February 29",
        "31 February",
        "since 1999",
        "mid-2025",
        "tomorrow",
    ]
)
dated_text = st.lists(st.one_of(_DATE_PHRASES, st.sampled_from(_VOCABULARY)), max_size=20).map(
    " ".join
)
anchors = st.one_of(
    st.none(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2024-10", "2024", "2024-02-29", "not a date", ""]),
)


def _valid_value(value: str, granularity: str) -> None:
    """A resolved value is made of real dates (and times), a range's ends in order."""
    parts = value.split("/")
    assert len(parts) in (1, 2), value
    if granularity == "time":
        dt.datetime.fromisoformat(value)
        return
    for part in parts:
        assert _valid_partial_date(part), value
    if len(parts) == 2:
        common = min(map(len, parts))
        assert parts[0][:common] <= parts[1][:common], value


@SLOW
@given(text=dated_text, anchor=anchors)
def test_times_offsets_index_the_body_and_dates_are_real(text: str, anchor: str | None) -> None:
    doc = parse(text)
    for t in find_times(doc, anchor):
        assert 0 <= t.start < t.end <= len(text) and text[t.start : t.end] == t.text
        if t.date is not None:
            assert t.granularity is not None
            _valid_value(t.date, t.granularity)


@FAST
@given(
    text=st.one_of(_DATE_PHRASES, st.text(max_size=40)),
    anchor=st.one_of(
        st.none(), st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9000, 1, 1))
    ),
    tense=st.sampled_from([None, "past", "future"]),
)
def test_resolve_gives_real_dates(text: str, anchor: dt.date | None, tense: str | None) -> None:
    result = resolve(text, anchor, tense=tense)  # type: ignore[arg-type]
    if result is not None:
        _valid_value(*result)


def test_since_a_year_is_that_year_whatever_the_anchor() -> None:
    """A "since" date is when a thing began, so no range can end before it starts."""
    assert resolve("since 1999", dt.date(1998, 1, 1)) == ("1999", "year")
    assert resolve("since 1997", dt.date(1998, 1, 1)) == ("1997", "year")


# --- round trips ----------------------------------------------------------------------------------


@FAST
@given(body=st.one_of(prose, st.text(max_size=200)))
def test_signature_bytes_round_trip(body: str) -> None:
    sig = signature(body)
    back = Signature.from_bytes(sig.to_bytes(), sig.shingles)
    assert back.to_bytes() == sig.to_bytes()
    assert containment(sig, back) == 1.0 or sig.shingles == 0


citations = st.builds(
    Citation,
    document=st.text(min_size=1, max_size=64),
    outlet=st.one_of(st.none(), st.text(max_size=20)),
    published=st.one_of(st.none(), st.dates().map(dt.date.isoformat)),
    source=st.one_of(st.none(), st.text(max_size=20)),
    start=st.integers(min_value=0, max_value=10**6),
    end=st.integers(min_value=0, max_value=10**6),
    quote=st.text(max_size=80),
    url=st.one_of(st.none(), st.text(max_size=40)),
    origin=st.one_of(st.none(), st.text(max_size=20)),
    certainty=st.sampled_from(["confirmed", "reported", "estimated", "speculative", "denied"]),
)


@FAST
@given(citation=citations)
def test_citation_json_round_trip(citation: Citation) -> None:
    assert Citation.from_json(json.loads(json.dumps(citation.to_json()))) == citation


@FAST
@given(
    kind=st.sampled_from(["new_story", "new_fact", "new_value", "status_changed", "new_event"]),
    story=st.text(min_size=1, max_size=16),
    fact=st.one_of(st.none(), st.text(max_size=16)),
    before=st.one_of(st.none(), st.text(max_size=10), st.integers()),
    after=st.one_of(st.none(), st.text(max_size=10), st.integers()),
    sources=st.lists(citations, max_size=3).map(tuple),
)
def test_change_json_round_trip(
    kind: str, story: str, fact: str | None, before: Any, after: Any, sources: tuple[Citation, ...]
) -> None:
    change = Change(kind, story, fact, before, after, sources)  # type: ignore[arg-type]
    assert Change.from_json(json.loads(json.dumps(change.to_json()))) == change


articles = st.lists(st.one_of(prose, prose, lines), min_size=1, max_size=10).map("\n".join)


@settings(max_examples=40, deadline=None, database=None)
@given(
    text=articles,
    title=st.one_of(st.none(), words),
    url=st.one_of(st.none(), st.just("https://gazette.example/2024/10/31/ferry")),
)
def test_documents_read_back_from_the_store_unchanged(
    tmp_path_factory: Any, text: str, title: str | None, url: str | None
) -> None:
    source = Provenance(input="in.txt", raw_sha256="0" * 64, ingested_at="2024-10-31T09:00:00")
    try:
        document = read_text(text, source, title=title, url=url)
    except InputError:
        assume(False)
        return
    folder: Path = tmp_path_factory.mktemp("store")
    store = Store(str(folder / "s.db"))
    try:
        sig = signature(document.body)
        store.add(document, sig.to_bytes(), sig.shingles)
        back = store.get(document.id)
    finally:
        store.close()
    assert back is not None
    # The store keeps no "unsure" flag for the update date (reported to the store's owner).
    updated = DateInfo(document.updated.value, document.updated.source)
    assert back == dataclasses.replace(document, updated=updated)
