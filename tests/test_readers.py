"""Every reader of the ingest stage, driven through the public API on small invented inputs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsledger.config import Limits
from newsledger.ingest import expand, read, read_bytes, read_one
from newsledger.model import DateInfo, Document, Failure

BODY_URL = "https://www.harbourgazette.example/news/ferry-strike-talks-collapse/"


def _read(path: str, limits: Limits | None = None) -> list[Document | Failure]:
    return list(read_one(path, limits or Limits()))


def _one_document(results: list[Document | Failure]) -> Document:
    assert len(results) == 1, results
    assert isinstance(results[0], Document), results[0]
    return results[0]


def _scraped_page(paragraphs, headline, *, header: str = "", byline: str = "") -> str:
    """An invented scraped page: skip link, menu, the headline twice, chrome around the body."""
    lines = [
        "Skip to content",
        "Subscribe",
        "Sign in",
        headline,
        headline,
        byline,
        "Share",
        "Facebook",
        paragraphs[0],
        paragraphs[1],
        "- Advertisement -",
        paragraphs[2],
        "Comments are closed.",
        "Check out our other content",
    ]
    return header + "\n".join(line for line in lines if line) + "\n"


# --- scraped plain text ---------------------------------------------------------------------


def test_scraped_text_with_header(write, paragraphs, headline) -> None:
    header = f"URL: {BODY_URL}\nTITLE: {headline}\nDATE: 2024-10-31\n---\n"
    page = _scraped_page(paragraphs, headline, header=header, byline="By Jane Roe")
    path = write("gazette.txt", page)

    doc = _one_document(_read(path))

    assert doc.title == headline
    assert doc.url == BODY_URL
    assert doc.outlet == "harbourgazette.example"
    assert doc.published == DateInfo("2024-10-31", "header", False)
    assert doc.author == "Jane Roe"
    assert doc.body == "\n\n".join(paragraphs)
    for chrome_line in ("Skip to content", "Advertisement", "Comments are closed", "Share"):
        assert chrome_line not in doc.body
    assert doc.path == path
    assert doc.provenance.input == path
    assert doc.provenance.format == "text"
    assert doc.provenance.record is None
    assert doc.provenance.encoding == "utf-8"
    assert len(doc.provenance.raw_sha256) == 64
    assert doc.partial is False


def test_scraped_text_without_header(write, paragraphs, headline) -> None:
    page = _scraped_page(paragraphs, headline, byline="By Jane Roe October 31, 20244 Mins Read")
    doc = _one_document(_read(write("noheader.txt", page)))

    assert doc.title == headline
    assert doc.published == DateInfo("2024-10-31", "byline", False)
    assert doc.author == "Jane Roe"
    assert doc.url is None
    assert doc.outlet is None
    assert doc.body == "\n\n".join(paragraphs)


def test_date_unknown_falls_back_to_byline_date(write, paragraphs, headline) -> None:
    header = f"URL: {BODY_URL}\nTITLE: {headline}\nDATE: unknown\n---\n"
    page = _scraped_page(
        paragraphs, headline, header=header, byline="By Jane Roe March 11, 20254 Mins Read"
    )
    doc = _one_document(_read(write("unknown.txt", page)))

    assert doc.published == DateInfo("2025-03-11", "byline", False)
    assert doc.author == "Jane Roe"
    assert doc.title == headline
    assert "Mins Read" not in doc.body


def test_widget_date_under_temperature_is_unsure(write, paragraphs, headline) -> None:
    page = "\n".join(
        ["Skip to content", "12.4 C", "Portwell", "Monday, March 10, 2025", "Subscribe", headline]
        + list(paragraphs)
    )
    doc = _one_document(_read(write("widget.txt", page)))

    assert doc.published == DateInfo("2025-03-10", "widget", True)
    assert doc.title == headline
    assert doc.body == "\n\n".join(paragraphs)
    assert "12.4 C" not in doc.body
    assert "Portwell\n" not in doc.body


def test_byline_date_beats_widget_date(write, paragraphs, headline) -> None:
    page = "\n".join(
        ["12.4 C", "Portwell", "Monday, March 10, 2025", headline, "By Jane Roe March 8, 2025"]
        + list(paragraphs)
    )
    doc = _one_document(_read(write("both.txt", page)))
    assert doc.published == DateInfo("2025-03-08", "byline", False)


def test_date_from_url_when_page_has_none(write, paragraphs, headline) -> None:
    url = "https://www.harbourgazette.example/news/2024/10/26/ferry-strike-talks-collapse/"
    page = f"URL: {url}\n---\n{headline}\n" + "\n".join(paragraphs)
    doc = _one_document(_read(write("urldate.txt", page)))
    assert doc.published == DateInfo("2024-10-26", "url", False)
    assert doc.url == url


def test_text_without_any_date_says_none(write, paragraphs, headline) -> None:
    page = f"{headline}\n" + "\n".join(paragraphs)
    doc = _one_document(_read(write("nodate.txt", page)))
    assert doc.published == DateInfo(None, "none", True)


# --- HTML -----------------------------------------------------------------------------------


def test_html_page(write, html_page, paragraphs, headline) -> None:
    path = write("page.html", html_page())
    doc = _one_document(_read(path))

    assert doc.title == headline
    assert doc.author == "Jane Roe"
    assert doc.outlet == "Harbour Gazette"
    assert doc.url == "https://www.harbourgazette.example/news/ferry-strike-talks-collapse"
    assert doc.published == DateInfo("2024-10-31", "html", False)
    assert doc.provenance.format == "html"
    assert doc.path == path
    positions = [doc.body.index(paragraph) for paragraph in paragraphs]
    assert positions == sorted(positions)
    for chrome_text in ("Sport desk results", "Weather outlook", "All rights reserved", "privacy"):
        assert chrome_text not in doc.body


def test_html_page_without_meta_date_takes_url_date(write, html_page) -> None:
    canonical = "https://www.harbourgazette.example/news/2024/10/26/ferry-strike"
    path = write("nodate.html", html_page(published=None, canonical=canonical))
    doc = _one_document(_read(path))
    assert doc.published.value == "2024-10-26"
    assert doc.published.source in ("html", "url")


def test_html_body_does_not_repeat_headline(write, html_page, paragraphs, headline) -> None:
    doc = _one_document(_read(write("page.html", html_page())))
    assert not doc.body.startswith(headline)
    assert doc.body.split("\n")[0] == paragraphs[0]


# --- feeds ----------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Harbour Radio News</title>
  <link>https://radio.example/news</link>
  <description>Invented feed for tests.</description>
  <item>
    <title>Ferry talks collapse</title>
    <link>https://radio.example/news/2024/10/31/ferry-talks/</link>
    <pubDate>Thu, 31 Oct 2024 17:45:00 +0000</pubDate>
    <dc:creator><![CDATA[Jane Roe]]></dc:creator>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[<p>{p0}</p>
<p>{p1}</p>]]></content:encoded>
  </item>
  <item>
    <title>Library to open late</title>
    <link>https://radio.example/news/2024/11/01/library/</link>
    <pubDate>Fri, 01 Nov 2024 08:00:00 +0000</pubDate>
    <description><![CDATA[{q0}]]></description>
  </item>
</channel>
</rss>
"""


def _rss(paragraphs, other_paragraphs) -> str:
    return RSS.format(p0=paragraphs[0], p1=paragraphs[1], q0=other_paragraphs[0])


def test_rss_items_become_documents(write, paragraphs, other_paragraphs) -> None:
    path = write("radio.xml", _rss(paragraphs, other_paragraphs))
    results = _read(path)
    assert [type(item) for item in results] == [Document, Document]
    full, summary = results

    assert full.title == "Ferry talks collapse"
    assert full.url == "https://radio.example/news/2024/10/31/ferry-talks/"
    assert full.outlet == "Harbour Radio News"
    assert full.author == "Jane Roe"
    assert full.published == DateInfo("2024-10-31", "feed", False)
    assert full.body == f"{paragraphs[0]}\n\n{paragraphs[1]}"
    assert full.partial is False

    assert summary.title == "Library to open late"
    assert summary.body == other_paragraphs[0]
    assert summary.partial is True
    assert summary.published == DateInfo("2024-11-01", "feed", False)

    # ``record`` is the entry's index in the feed (0-based), the input is the file itself.
    assert [doc.provenance.record for doc in results] == [0, 1]
    assert {doc.provenance.input for doc in results} == {path}
    assert {doc.provenance.format for doc in results} == {"feed"}


def test_atom_feed(write, paragraphs) -> None:
    content = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in paragraphs[:2])
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Radio</title><id>urn:test:feed</id><updated>2024-11-02T10:00:00Z</updated>
  <entry>
    <title>Ferry talks collapse</title>
    <link href="https://radio.example/news/ferry-talks"/>
    <id>urn:test:1</id>
    <published>2024-10-31T17:45:00Z</published>
    <updated>2024-11-01T10:00:00Z</updated>
    <author><name>Jane Roe</name></author>
    <content type="html">{content}</content>
  </entry>
</feed>
"""
    doc = _one_document(_read(write("radio.atom", atom)))
    assert doc.title == "Ferry talks collapse"
    assert doc.url == "https://radio.example/news/ferry-talks"
    assert doc.outlet == "Harbour Radio"
    assert doc.author == "Jane Roe"
    assert doc.published == DateInfo("2024-10-31", "feed", False)
    assert doc.updated == DateInfo("2024-11-01", "feed", False)
    assert doc.body == f"{paragraphs[0]}\n\n{paragraphs[1]}"
    assert doc.partial is False
    assert doc.provenance.record == 0


# --- JSON Lines -----------------------------------------------------------------------------


def _fragment(title: str, paras) -> str:
    return f"<article><h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in paras) + "</article>"


def test_jsonl_text_and_html_records_with_a_malformed_line(
    write, paragraphs, other_paragraphs
) -> None:
    lines = [
        json.dumps(
            {
                "text": "\n\n".join(paragraphs),
                "title": "Ferry talks collapse",
                "url": "https://times.example/news/ferry-talks",
                "published": "2024-10-31T10:00:00Z",
                "outlet": "Harbour Times",
            }
        ),
        '{"text": "a line cut off in the middle',
        json.dumps(
            {
                "html": _fragment("Library to open late", other_paragraphs),
                "url": "https://times.example/news/library",
                "published": "2024-11-02",
                "outlet": "Harbour Times",
            }
        ),
    ]
    path = write("dump.jsonl", "\n".join(lines) + "\n")
    results = _read(path)
    assert [type(item) for item in results] == [Document, Failure, Document]
    text_doc, bad, html_doc = results

    assert text_doc.title == "Ferry talks collapse"
    assert text_doc.body == "\n\n".join(paragraphs)
    assert text_doc.published == DateInfo("2024-10-31", "jsonl", False)
    assert text_doc.outlet == "Harbour Times"
    assert text_doc.url == "https://times.example/news/ferry-talks"
    assert text_doc.provenance.record == 1
    assert text_doc.provenance.format == "jsonl"

    assert bad.input == path
    assert bad.code == "E008"
    assert bad.record == 2

    assert html_doc.title == "Library to open late"
    assert html_doc.outlet == "Harbour Times"
    assert html_doc.published == DateInfo("2024-11-02", "jsonl", False)
    assert html_doc.body.split("\n") == list(other_paragraphs)
    assert html_doc.provenance.record == 3


def test_jsonl_with_full_html_page_record_is_jsonl(write, html_page, other_paragraphs) -> None:
    lines = [
        json.dumps({"html": html_page(), "published": "2024-10-31"}),
        json.dumps({"text": "\n\n".join(other_paragraphs), "published": "2024-11-02"}),
    ]
    results = _read(write("pages.jsonl", "\n".join(lines)))
    assert [type(item) for item in results] == [Document, Document]
    assert [doc.provenance.record for doc in results] == [1, 2]
    assert results[1].body == "\n\n".join(other_paragraphs)


def test_jsonl_whose_first_record_holds_a_feed_is_jsonl(
    write, paragraphs, other_paragraphs
) -> None:
    lines = [
        json.dumps({"html": _rss(paragraphs, other_paragraphs), "text": "\n\n".join(paragraphs)}),
        json.dumps({"text": "\n\n".join(other_paragraphs)}),
    ]
    results = _read(write("feeds.jsonl", "\n".join(lines)))
    assert [doc.provenance.format for doc in results] == ["jsonl", "jsonl"]


# --- WARC -----------------------------------------------------------------------------------


def test_warc_html_responses_become_documents(
    write, make_warc, html_page, headline, paragraphs, other_paragraphs
) -> None:
    ferry = html_page(canonical=None).encode()
    library = html_page("Portwell library to open late", other_paragraphs, canonical=None).encode()
    data, _ = make_warc(
        [
            ("https://gazette.example/news/ferry-talks", ferry, "text/html; charset=utf-8"),
            (
                "https://gazette.example/static/site.css",
                b"body { color: #222; }\n" * 50,
                "text/css",
            ),
            ("https://gazette.example/news/library", library, "text/html"),
        ],
        warc_date="2024-11-01T06:40:12Z",
    )
    path = write("crawl.warc.gz", data)
    results = _read(path)
    assert [type(item) for item in results] == [Document, Document]
    first, second = results
    assert first.url == "https://gazette.example/news/ferry-talks"
    assert second.url == "https://gazette.example/news/library"
    assert first.title == headline
    assert second.title == "Portwell library to open late"
    assert paragraphs[0] in first.body
    assert other_paragraphs[1] in second.body
    assert first.published == DateInfo("2024-10-31", "html", False)
    assert {doc.provenance.format for doc in results} == {"warc"}
    # ``record`` counts every WARC record from 1, the skipped stylesheet included.
    assert [doc.provenance.record for doc in results] == [1, 3]
    assert first.outlet == "Harbour Gazette"


def test_late_capture_does_not_make_published_date_unsure(write, make_warc, html_page) -> None:
    data, _ = make_warc(
        [("https://gazette.example/news/ferry-talks", html_page().encode(), "text/html")],
        warc_date="2025-06-01T00:00:00Z",
    )
    doc = _one_document(_read(write("late.warc.gz", data)))
    assert doc.published == DateInfo("2024-10-31", "html", False)


def test_warc_with_image_record_still_yields_html_documents(
    write, make_warc, html_page, other_paragraphs
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    data, _ = make_warc(
        [
            ("https://gazette.example/news/ferry-talks", html_page().encode(), "text/html"),
            ("https://gazette.example/img/logo.png", png, "image/png"),
            (
                "https://gazette.example/news/library",
                html_page("Library to open late", other_paragraphs).encode(),
                "text/html",
            ),
        ]
    )
    results = _read(write("crawl.warc.gz", data))
    assert [type(item) for item in results] == [Document, Document]


def test_a_feed_with_no_entries_is_reported_not_silently_empty(write) -> None:
    empty = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Harbour Radio</title><link>https://radio.example/</link></channel></rss>"
    )
    path = write("empty.rss", empty)
    assert [(f.input, f.code, f.reason) for f in _read(path)] == [
        (path, "E023", "no articles in this feed: it has no entries")
    ]


def test_a_warc_with_no_html_response_is_reported(write, make_warc) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    data, _ = make_warc([("https://gazette.example/img/logo.png", png, "image/png")])
    path = write("images.warc.gz", data)
    assert [(f.input, f.code, f.reason) for f in _read(path)] == [
        (
            path,
            "E023",
            "no articles in this WARC archive: none of its 1 records is an HTML response",
        )
    ]


# --- compression and encodings --------------------------------------------------------------


def test_gzipped_text_file(write, paragraphs, headline) -> None:
    page = f"TITLE: {headline}\nDATE: 2024-10-31\n---\n" + "\n".join(paragraphs)
    doc = _one_document(_read(write("story.txt.gz", gzip.compress(page.encode()))))
    assert doc.title == headline
    assert doc.published == DateInfo("2024-10-31", "header", False)
    assert doc.body == "\n\n".join(paragraphs)
    assert doc.provenance.raw_sha256 != ""


def test_gzipped_jsonl_file(write, paragraphs, other_paragraphs) -> None:
    lines = [
        json.dumps({"text": "\n\n".join(paragraphs), "title": "Ferry talks collapse"}),
        json.dumps({"text": "\n\n".join(other_paragraphs), "title": "Library to open late"}),
    ]
    path = write("dump.jsonl.gz", gzip.compress("\n".join(lines).encode()))
    results = _read(path)
    assert [type(item) for item in results] == [Document, Document]
    assert [doc.title for doc in results] == ["Ferry talks collapse", "Library to open late"]
    assert [doc.provenance.format for doc in results] == ["jsonl", "jsonl"]
    assert results[1].body == "\n\n".join(other_paragraphs)


CP1252_PAGE = (
    "Café owner’s appeal after ferry strike\r\n"
    "By Jane Roe March 11, 2025\r\n"
    "Renée Valcourt, who runs a café on the harbour square, said the strike had cost her a "
    "week’s takings and she could not afford another.\r\n"
    "“We have had nobody through the door since Monday,” she said, adding that the council’s "
    "support scheme did not cover small cafés.\r\n"
)


def test_windows_1252_text_decodes(write) -> None:
    data = CP1252_PAGE.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = _one_document(_read(write("cp1252.txt", data)))

    assert doc.title == "Café owner’s appeal after ferry strike"
    assert doc.published == DateInfo("2025-03-11", "byline", False)
    assert doc.body.startswith("Renée Valcourt, who runs a café")
    assert "week’s takings" in doc.body
    assert "“We have had nobody" in doc.body
    assert "\r" not in doc.body
    assert doc.provenance.encoding not in (None, "utf-8")


def test_windows_1252_western_accents_survive(write) -> None:
    text = (
        "The Señora said the strike was “a disaster” for the fête, and Zoë Marchetti of the "
        "à la carte kitchen agreed that trade had fallen by half since Monday.\n"
    )
    doc = _one_document(_read(write("accents.txt", text.encode("cp1252"))))
    assert "Señora" in doc.body
    assert "fête" in doc.body
    assert "à la carte" in doc.body


def test_windows_1250_central_european_text_is_not_read_as_1252(write) -> None:
    text = (
        "Vláda v úterý schválila návrh zákona o státním rozpočtu. Ministr financí řekl, že "
        "schodek bude nižší než loni. „Je to odpovědný rozpočet,“ uvedl předseda vlády.\n"
    )
    doc = _one_document(_read(write("cs.txt", text.encode("cp1250"))))
    assert doc.provenance.encoding == "cp1250"
    assert "Ministr financí řekl" in doc.body


def test_windows_1252_text_without_smart_quotes_prefers_1252(write) -> None:
    text = (
        "El señor García dijo que la huelga había sido un desastre para la economía de la "
        "región, y que los trabajadores no aceptarían la oferta. Añadió que habrá más protestas.\n"
    )
    doc = _one_document(_read(write("es.txt", text.encode("cp1252"))))
    assert "El señor García" in doc.body
    assert "economía de la región" in doc.body


# --- detection by content -------------------------------------------------------------------


def test_html_saved_as_txt_is_read_as_html(write, html_page, headline) -> None:
    doc = _one_document(_read(write("saved-page.txt", html_page())))
    assert doc.provenance.format == "html"
    assert doc.title == headline
    assert "<p>" not in doc.body
    assert doc.published == DateInfo("2024-10-31", "html", False)


def test_feed_saved_as_html_is_read_as_feed(write, paragraphs, other_paragraphs) -> None:
    results = _read(write("radio-feed.html", _rss(paragraphs, other_paragraphs)))
    assert [type(item) for item in results] == [Document, Document]
    assert {doc.provenance.format for doc in results} == {"feed"}
    assert results[0].title == "Ferry talks collapse"


# --- folders --------------------------------------------------------------------------------

EXAMPLE_FILES = [
    "archive/civic-observer-2025-03-19.warc.gz",
    "dumps/news-crawl-2025-03.jsonl",
    "feeds/valley-fm-news.xml",
    "html/eastport-chronicle-kaldmoor-dam-collapse-mayor-fears-120-missing.html",
    "html/meridian-standard-relief-500-dollars-toll-11.html",
    "scraped/kaldmoor-courier-greyhollow-dam-breach-40-missing.txt",
    "scraped/kaldmoor-courier-greyhollow-toll-19-41-missing.txt.gz",
    "scraped/sallow-cross-mercury-coroner-opens-inquests.txt",
    "scraped/vessingham-evening-post-ketterby-depot-fire.txt",
    "scraped/vessingham-evening-post-npa-up-to-120-missing.txt",
]


def test_expand_examples_skips_readme(examples_dir: Path) -> None:
    expanded = expand([str(examples_dir)])
    assert expanded == [str(examples_dir / name) for name in EXAMPLE_FILES]
    assert not any(Path(item).name.lower() == "readme.md" for item in expanded)


def test_expand_keeps_order_urls_and_missing_paths(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "b").mkdir(parents=True)
    for name in ("b/2.txt", "a.txt", "README.md", "LICENSE", ".hidden.txt", "CHANGELOG.md"):
        (folder / name).write_text("x")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("x")
    expanded = expand(["https://news.example/a", str(folder), "missing.txt"])
    assert expanded == [
        "https://news.example/a",
        str(folder / "a.txt"),
        str(folder / "b" / "2.txt"),
        "missing.txt",
    ]


def test_expand_keeps_articles_whose_slug_starts_like_licence(tmp_path: Path) -> None:
    (tmp_path / "licence-fee-to-rise-in-april.txt").write_text("x")
    assert expand([str(tmp_path)]) == [str(tmp_path / "licence-fee-to-rise-in-april.txt")]


def test_expand_skips_readme_and_licence_under_any_extension(tmp_path: Path) -> None:
    kept = ["changelog-of-the-ferry-dispute.txt", "index.html", "readme-first-ferry-story.txt"]
    for name in ["README.rst", "readme.txt", "LICENCE", "License.md", "INDEX.md", *kept]:
        (tmp_path / name).write_text("x")
    assert expand([str(tmp_path)]) == [str(tmp_path / name) for name in sorted(kept)]


# Expected documents per example file, counted from examples/README.md: 11 articles on the
# story plus 4 unrelated ones (the WARC holds 2 pages, the JSONL 3 lines, the feed 3 items).
EXAMPLE_COUNTS = {
    "civic-observer-2025-03-19.warc.gz": 2,
    "news-crawl-2025-03.jsonl": 3,
    "valley-fm-news.xml": 3,
    "eastport-chronicle-kaldmoor-dam-collapse-mayor-fears-120-missing.html": 1,
    "meridian-standard-relief-500-dollars-toll-11.html": 1,
    "kaldmoor-courier-greyhollow-dam-breach-40-missing.txt": 1,
    "kaldmoor-courier-greyhollow-toll-19-41-missing.txt.gz": 1,
    "sallow-cross-mercury-coroner-opens-inquests.txt": 1,
    "vessingham-evening-post-ketterby-depot-fire.txt": 1,
    "vessingham-evening-post-npa-up-to-120-missing.txt": 1,
}

# (file, title start, published) from the examples/README.md table.
EXAMPLE_DATES = [
    ("kaldmoor-courier-greyhollow-dam-breach-40-missing.txt", "2025-03-10", "header"),
    ("vessingham-evening-post-npa-up-to-120-missing.txt", "2025-03-11", "byline"),
    ("eastport-chronicle-kaldmoor-dam-collapse-mayor-fears-120-missing.html", "2025-03-12", "html"),
    ("meridian-standard-relief-500-dollars-toll-11.html", "2025-03-12", "html"),
    ("kaldmoor-courier-greyhollow-toll-19-41-missing.txt.gz", "2025-03-17", "header"),
    ("vessingham-evening-post-ketterby-depot-fire.txt", "2025-02-21", "header"),
]


@pytest.fixture(scope="module")
def example_results() -> list[Document | Failure]:
    return list(read([str(Path(__file__).parents[1] / "examples")]))


def test_examples_folder_reads_without_failures(example_results) -> None:
    failed = [str(item) for item in example_results if isinstance(item, Failure)]
    assert failed == []
    assert len(example_results) == 15
    counts: dict[str, int] = {}
    for doc in example_results:
        name = Path(doc.provenance.input).name
        counts[name] = counts.get(name, 0) + 1
    assert counts == EXAMPLE_COUNTS
    assert all(doc.title for doc in example_results)


@pytest.mark.parametrize(("name", "published", "source"), EXAMPLE_DATES)
def test_examples_publication_dates(example_results, name, published, source) -> None:
    (doc,) = [d for d in example_results if Path(d.provenance.input).name == name]
    assert doc.published == DateInfo(published, source, False)


def test_examples_containers_dates_and_partial(example_results) -> None:
    by_file: dict[str, list[Document]] = {}
    for doc in example_results:
        by_file.setdefault(Path(doc.provenance.input).name, []).append(doc)
    feed = by_file["valley-fm-news.xml"]
    assert [d.published.value for d in feed] == ["2025-03-14", "2025-03-13", "2025-03-13"]
    assert [d.partial for d in feed] == [True, False, False]
    dump = by_file["news-crawl-2025-03.jsonl"]
    assert [(d.published.value, d.published.source) for d in dump] == [
        ("2025-03-14", "jsonl"),
        ("2025-03-15", "jsonl"),
        ("2025-03-16", "jsonl"),
    ]
    assert [d.outlet for d in dump] == [
        "Brightwater Times",
        "Kaldmoor Business Review",
        "Brightwater Times",
    ]
    warc = by_file["civic-observer-2025-03-19.warc.gz"]
    # The page's own article:published_time wins over the capture time in WARC-Date.
    assert [d.published for d in warc] == [DateInfo("2025-03-18", "html", False)] * 2
    assert all(d.url and d.url.startswith("https://civicobserver.example/") for d in warc)


def test_example_date_from_dateline(example_results) -> None:
    (doc,) = [
        d
        for d in example_results
        if Path(d.provenance.input).name == "sallow-cross-mercury-coroner-opens-inquests.txt"
    ]
    assert doc.published.value == "2025-03-19"
    assert doc.published.source == "dateline"


def test_example_windows_1252_file_decodes(example_results) -> None:
    (doc,) = [
        d
        for d in example_results
        if Path(d.provenance.input).name == "vessingham-evening-post-npa-up-to-120-missing.txt"
    ]
    assert doc.provenance.encoding in ("cp1252", "windows-1252")
    assert "Renée Valcourt" in doc.body
    assert "“The water is going down, but slowly,”" in doc.body


# Page chrome that the classifier leaves in the example bodies (all invented example text).
EXAMPLE_CHROME_LEAKS = [
    ("sallow-cross-mercury-coroner-opens-inquests.txt", "Your town. Your paper. Since 1887."),
    ("sallow-cross-mercury-coroner-opens-inquests.txt", "Share this:"),
    (
        "sallow-cross-mercury-coroner-opens-inquests.txt",
        "Flowers and messages left on the railings of the Tarrow bridge. Picture: Sallow Cross "
        "Mercury",
    ),
    ("vessingham-evening-post-npa-up-to-120-missing.txt", "Enter your email address   Sign up"),
    ("kaldmoor-courier-greyhollow-dam-breach-40-missing.txt", "Flooding"),
]


@pytest.mark.parametrize(("name", "line"), EXAMPLE_CHROME_LEAKS)
def test_example_bodies_hold_no_page_chrome(example_results, name, line) -> None:
    (doc,) = [d for d in example_results if Path(d.provenance.input).name == name]
    assert line not in doc.body.split("\n\n")


# --- identity -------------------------------------------------------------------------------


def test_same_article_read_twice_has_same_id(write, paragraphs, headline) -> None:
    page = _scraped_page(paragraphs, headline, byline="By Jane Roe")
    first = _one_document(_read(write("one.txt", page)))
    second = _one_document(list(read_bytes(page.encode(), "elsewhere.txt", Limits())))
    assert first.id == second.id
    assert first.provenance.input != second.provenance.input


def test_whitespace_and_quote_style_do_not_change_id(write) -> None:
    curly = (
        "“We will not accept this offer,” said union leader Jane Roe on Thursday – "
        "the operator’s third in a month.\n"
        "Talks are expected to resume next week, a spokesperson for the operator said."
    )
    straight = (
        '"We  will not accept this offer,"   said union leader Jane Roe on Thursday - '
        "the operator's third in a month.\r\n\r\n\r\n"
        "   Talks are expected to resume next week,\ta spokesperson for the operator said.  "
    )
    first = _one_document(_read(write("curly.txt", curly)))
    second = _one_document(_read(write("straight.txt", straight)))
    assert first.body != second.body
    assert first.id == second.id


def test_same_article_in_text_and_jsonl_has_same_id(write, paragraphs) -> None:
    text_doc = _one_document(_read(write("a.txt", "\n".join(paragraphs))))
    record = json.dumps({"html": _fragment("Ferry talks collapse", paragraphs)})
    html_doc = _one_document(_read(write("a.jsonl", record)))
    assert text_doc.id == html_doc.id


def test_different_articles_have_different_ids(write, paragraphs, other_paragraphs) -> None:
    first = _one_document(_read(write("a.txt", "\n".join(paragraphs))))
    second = _one_document(_read(write("b.txt", "\n".join(other_paragraphs))))
    assert first.id != second.id
