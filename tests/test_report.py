"""The report stage: Markdown, HTML and JSON briefings, their charts, and hostile article text.

The briefings here are built by hand. The story (a mine collapse at "Brackenfell" in the
"Osterlund" region), its outlets and its people are invented for these tests.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsledger.model import (
    Briefing,
    Certainty,
    Change,
    Citation,
    DateInfo,
    Document,
    Fact,
    FactValue,
    Speaker,
    StoryBrief,
    TimelineEntry,
)
from newsledger.report import Format, render, write
from newsledger.report.escape import clean_text, md_escape, safe_url
from newsledger.report.view import (
    Caps,
    Listing,
    StoryView,
    build,
    corroboration,
    fact_listing,
    timeline_listing,
)

GAZETTE = "Osterlund Gazette"
HERALD = "Northgate Herald"

GAZETTE_BODY = (
    "The east gallery of the Brackenfell mine collapsed late on Sunday. "
    "At least 40 miners are missing, Governor Ilse Marrick said on Monday. "
    "Twelve bodies have been recovered, rescue chief Tomas Vell said. "
    "By Thursday police said 63 people were still missing. "
    "The regional fund pledged $2 million to families."
)
HERALD_BODY = (
    "Rescue chief Tomas Vell said about 90 people were unaccounted for on Tuesday. "
    "Governor Marrick said 17 people had died. "
    "A local doctor, Anna Bresk, said the toll could be as high as 60. "
    "About 1,500 residents were evacuated from Lowmarsh, the council said. "
    "The mine operator said a relatively small number of workers were missing. "
    "Police said 63 people were still missing. "
    "The fund's $2 million pledge was confirmed by the treasury."
)
GAZETTE_DOC = Document(
    id="a" * 64,
    body=GAZETTE_BODY,
    title="Brackenfell mine collapse: at least 40 missing",
    outlet=GAZETTE,
    url="https://gazette.example/brackenfell",
    path=None,
    published=DateInfo("2025-06-02", "header"),
)
HERALD_DOC = Document(
    id="b" * 64,
    body=HERALD_BODY,
    title="Toll rises at Brackenfell",
    outlet=HERALD,
    url="https://herald.example/toll",
    path=None,
    published=DateInfo("2025-06-05", "byline"),
)


def cite(
    doc: Document, quote: str, source: str | None, certainty: Certainty = "reported"
) -> Citation:
    start = doc.body.index(quote)
    return Citation(
        document=doc.id,
        outlet=doc.outlet,
        published=doc.published.value,
        source=source,
        start=start,
        end=start + len(quote),
        quote=quote,
        url=doc.url,
        origin=doc.outlet,
        certainty=certainty,
    )


def value(
    number: float | None,
    text: str,
    as_of: str | None,
    *sources: Citation,
    low: float | None = None,
    high: float | None = None,
    unit: str | None = "people",
    approximate: bool = False,
    vague: bool = False,
    certainty: Certainty = "reported",
) -> FactValue:
    return FactValue(number, low, high, unit, approximate, vague, text, as_of, certainty, sources)


C_40 = cite(GAZETTE_DOC, "At least 40 miners are missing", "Ilse Marrick")
C_90 = cite(HERALD_DOC, "about 90 people were unaccounted for", "Tomas Vell")
C_63G = cite(GAZETTE_DOC, "police said 63 people were still missing", "police")
C_63H = cite(HERALD_DOC, "Police said 63 people were still missing", "police")
C_SMALL = cite(HERALD_DOC, "a relatively small number of workers were missing", "mine operator")
C_12 = cite(GAZETTE_DOC, "Twelve bodies have been recovered", "Tomas Vell")
C_17 = cite(HERALD_DOC, "Governor Marrick said 17 people had died", "Ilse Marrick")
C_60 = cite(HERALD_DOC, "the toll could be as high as 60", "Anna Bresk", "speculative")
C_EVAC = cite(HERALD_DOC, "About 1,500 residents were evacuated from Lowmarsh", "council")
C_FUND_G = cite(GAZETTE_DOC, "The regional fund pledged $2 million to families", None)
C_FUND_H = cite(HERALD_DOC, "The fund's $2 million pledge was confirmed", "treasury", "confirmed")
C_COLLAPSE = cite(
    GAZETTE_DOC, "The east gallery of the Brackenfell mine collapsed late on Sunday", None
)

MISSING = Fact(
    id="f-missing",
    story="s1",
    label="Missing",
    what="people missing",
    where="Brackenfell",
    per=None,
    unit="people",
    status="changing",
    values=(
        value(None, "a relatively small number", "2025-06-05", C_SMALL, vague=True),
        value(None, "at least 40", "2025-06-02", C_40, low=40),
        value(90, "about 90", "2025-06-03", C_90, approximate=True),
        value(63, "63", "2025-06-05", C_63G, C_63H),
    ),
    origins=("Osterlund Police", "Tomas Vell", "Ilse Marrick", "Brackenfell Mining"),
    outlets=(GAZETTE, HERALD),
    corroborating=("Osterlund Police", "Tomas Vell", "Ilse Marrick", "Brackenfell Mining"),
)
DEAD = Fact(
    id="f-dead",
    story="s1",
    label="Dead",
    what="people dead",
    where=None,
    per=None,
    unit="people",
    status="disputed",
    values=(
        value(12, "Twelve", "2025-06-02", C_12),
        value(17, "17", "2025-06-04", C_17),
        value(None, "could be as high as 60", "2025-06-04", C_60, high=60, certainty="speculative"),
    ),
    origins=("Tomas Vell", "Ilse Marrick", "Anna Bresk"),
    outlets=(GAZETTE, HERALD),
    corroborating=("Tomas Vell", "Ilse Marrick", "Anna Bresk"),
)
EVACUATED = Fact(
    id="f-evac",
    story="s1",
    label="Evacuated",
    what="residents evacuated",
    where="Lowmarsh",
    per=None,
    unit="people",
    status="single-source",
    values=(value(1500, "About 1,500", "2025-06-04", C_EVAC, approximate=True),),
    origins=("Lowmarsh council",),
    outlets=(HERALD,),
    corroborating=("Lowmarsh council",),
)
FUND = Fact(
    id="f-fund",
    story="s1",
    label="Relief fund",
    what="relief pledged",
    where=None,
    per=None,
    unit="USD",
    status="corroborated",
    values=(
        value(2_000_000, "$2 million", "2025-06-02", C_FUND_G, unit="USD"),
        value(2_000_000, "$2 million", "2025-06-05", C_FUND_H, unit="USD", certainty="confirmed"),
    ),
    origins=("Regional fund", "Treasury"),
    outlets=(GAZETTE, HERALD),
    corroborating=("Regional fund", "Treasury"),
)
STORY = StoryBrief(
    id="s1",
    title="Brackenfell mine collapse",
    documents=(GAZETTE_DOC, HERALD_DOC),
    facts=(MISSING, DEAD, EVACUATED, FUND),
    timeline=(
        TimelineEntry("2025-06-04", "Rescue teams reached the lower level.", (C_90,)),
        TimelineEntry("2025-06-01", "The east gallery of the mine collapsed.", (C_COLLAPSE,)),
    ),
    people=(
        Speaker("Ilse Marrick", "person", ("Governor Marrick", "Ilse Marrick"), (C_40, C_17)),
        Speaker("Tomas Vell", "person", (), (C_90, C_12)),
    ),
    contradictions=(DEAD,),
    changes=(
        Change("new_value", "s1", "f-missing", {"text": "about 90"}, {"text": "63"}, (C_63H,)),
    ),
)
BRIEFING = Briefing(generated="2025-06-05T12:00:00Z", stories=(STORY,))


@pytest.fixture(scope="module")
def md() -> str:
    return render(BRIEFING, "md")


@pytest.fixture(scope="module")
def html() -> str:
    return render(BRIEFING, "html")


def section(text: str, heading: str) -> str:
    """The Markdown from a heading line to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1 :]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_headline_summary(md: str) -> None:
    assert "## Brackenfell mine collapse\n" in md
    assert (
        "2 documents from 2 outlets, 2025-06-02 to 2025-06-05. "
        "Figures: 1 corroborated, 1 disputed, 1 changing, 1 single-source." in md
    )


def test_markdown_key_figures(md: str) -> None:
    missing = section(md, "#### Missing — **changing**")
    assert "- Range: 40–90; also “a relatively small number” (vague)\n" in missing
    assert (
        "- Sources: 2 outlets, 4 independent origins "
        "(Osterlund Police; Tomas Vell; Ilse Marrick; Brackenfell Mining)\n" in missing
    )
    rows = [line for line in missing.splitlines() if line.startswith("| 2025")]
    # as-of order, the vague value kept as words, who said it, a citation on each row
    assert [row.split(" | ")[0:2] for row in rows] == [
        ["| 2025-06-02", "at least 40"],
        ["| 2025-06-03", "about 90"],
        ["| 2025-06-05", "“a relatively small number” (vague)"],
        ["| 2025-06-05", "63"],
    ]
    assert (
        rows[0]
        == "| 2025-06-02 | at least 40 |  | Ilse Marrick | (Osterlund Gazette, 2025-06-02)[^1] |"
    )
    assert rows[2].startswith(
        "| 2025-06-05 | “a relatively small number” (vague) |  | mine operator |"
    )
    assert rows[3].endswith(
        "| police | (Osterlund Gazette, 2025-06-02)[^4] (Northgate Herald, 2025-06-05)[^5] |"
    )
    dead = section(md, "#### Dead — **disputed**")
    assert "- Range: 12–17; also up to 60 (speculative)\n" in dead
    assert "| 2025-06-04 | up to 60 (speculative) | could be as high as 60 | Anna Bresk |" in dead
    assert "#### Evacuated — **single-source**" in md
    assert "- Range: \\$2M\n" in section(md, "#### Relief fund — **corroborated**")


def test_markdown_every_statement_is_cited(md: str) -> None:
    body = md[: md.index("\n## Sources\n")]
    statements = [
        line
        for line in body.splitlines()
        if line.startswith(
            ("| 2025", "- **2025", "- **Dead", "- **Evacuated", "  - ", "- New value")
        )
    ]
    assert len(statements) >= 15
    for line in statements:
        assert re.search(r"\([^()]+, \d{4}-\d\d-\d\d\)\[\^\d+\]", line), line


def test_markdown_sections(md: str) -> None:
    timeline = section(md, "### Timeline")
    assert timeline.strip().splitlines() == [
        "- **2025-06-01** — The east gallery of the mine collapsed. (Osterlund Gazette, 2025-06-02)[^12]",
        "- **2025-06-04** — Rescue teams reached the lower level. (Northgate Herald, 2025-06-05)[^2]",
    ]
    people = section(md, "### Who said what")
    assert "- **Ilse Marrick** (person; also Governor Marrick)\n" in people
    assert (
        "  - “Governor Marrick said 17 people had died” (Northgate Herald, 2025-06-05)[^7]\n"
        in people
    )
    assert "- **Tomas Vell** (person)\n" in people
    contradictions = section(md, "### Open contradictions")
    assert contradictions.strip() == (
        "- **Dead**: 12 — Tomas Vell (Osterlund Gazette, 2025-06-02)[^6] **vs** "
        "17 — Ilse Marrick (Northgate Herald, 2025-06-05)[^7] **vs** "
        "up to 60 (speculative) — Anna Bresk (Northgate Herald, 2025-06-05)[^8]"
    )
    single = section(md, "### Single-source figures")
    assert single.strip() == (
        "- **Evacuated** (single-source): about 1,500; 1 outlet, 1 independent origin (Lowmarsh council) "
        "(Northgate Herald, 2025-06-05)[^9]"
    )
    changed = section(md, "### What changed")
    assert (
        changed.strip() == "- New value — Missing: about 90 → 63 (Northgate Herald, 2025-06-05)[^5]"
    )


def test_markdown_sources_list(md: str) -> None:
    sources = section(md, "## Sources").strip().splitlines()
    assert len(sources) == 12  # one per distinct cited span, numbered in reading order
    assert [line.split(":")[0] for line in sources] == [f"[^{n}]" for n in range(1, 13)]
    assert sources[0] == (
        "[^1]: Osterlund Gazette, 2025-06-02, “Brackenfell mine collapse: at least 40 missing”, "
        "<https://gazette.example/brackenfell>. Ilse Marrick: “At least 40 miners are missing” "
        f"(document {'a' * 64}, characters 67–97)"
    )
    assert "[^8]: Northgate Herald, 2025-06-05, “Toll rises at Brackenfell”" in md
    assert "Anna Bresk (speculative): “the toll could be as high as 60”" in md


def test_markdown_without_changes_says_no_earlier_briefing() -> None:
    briefing = Briefing("2025-06-05", (replace(STORY, changes=()),))
    assert "### What changed\n\nNo earlier briefing to compare with.\n" in render(briefing, "md")


# --- HTML -------------------------------------------------------------------------------------


class _Collect(HTMLParser):
    """Every start tag with its attributes, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Collect:
    parser = _Collect()
    parser.feed(page)
    parser.close()
    return parser


def test_html_parses_and_links_citations_to_anchors(html: str) -> None:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    ids = set(tree.xpath("//@id"))
    links = [h[1:] for h in tree.xpath("//a/@href") if h.startswith("#")]
    cites = [h for h in links if h.startswith("doc-")]
    assert len(set(cites)) == 12
    assert set(links) <= ids  # every in-page link lands
    start = GAZETTE_BODY.index("At least 40")
    anchor = f"doc-{'a' * 64}-{start}-{start + 30}"
    (entry,) = tree.xpath(f'//*[@id="{anchor}"]')
    assert entry.xpath(".//mark/text()") == ["At least 40 miners are missing"]
    assert "collapsed late on Sunday." in entry.text_content()  # the context window
    assert entry.xpath(".//a[@href]/@href") == ["https://gazette.example/brackenfell"]
    assert len(tree.xpath("//h2")) == 2  # the story and the Sources appendix
    for heading in ("Key figures", "Timeline", "Who said what", "Open contradictions",
                    "Single-source figures", "What changed"):  # fmt: skip
        assert tree.xpath(f'//h3[text()="{heading}"]'), heading


def test_html_with_two_stories_has_unique_ids_and_a_contents_list() -> None:
    from lxml import html as lxml_html

    other = replace(
        STORY, id="s2", title="Lowmarsh levee works", contradictions=(replace(DEAD, id="x"),)
    )
    tree = lxml_html.fromstring(render(Briefing("2025-06-06", (STORY, other)), "html"))
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))
    assert set(tree.xpath("//nav//a/@href")) == {"#story-1", "#story-2"}
    assert set(h[1:] for h in tree.xpath("//a/@href") if h.startswith("#")) <= set(ids)


def test_html_is_self_contained_and_scriptless(html: str) -> None:
    parser = parse(html)
    tags = {tag for tag, _ in parser.tags}
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "href"):
            target = attrs.get(name) or ""
            assert target == "" or target.startswith(
                ("#", "data:image/svg+xml;base64,", "https://")
            ), target
    assert "@import" not in html and "url(" not in html
    csp = [
        a
        for t, a in parser.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")


def test_html_shows_status_range_and_values(html: str) -> None:
    text = " ".join(" ".join(parse(html).text).split())
    assert "40–90" in text and "“a relatively small number” (vague)" in text
    assert "up to 60 (speculative)" in text
    assert (
        "2 outlets, 4 independent origins (Osterlund Police; Tomas Vell; Ilse Marrick; Brackenfell Mining)"
        in text
    )
    assert "No earlier briefing" not in text and "about 90 → 63" in text
    assert html.count('class="badge disputed"') >= 1


def test_html_embeds_a_chart_per_fact_with_two_values_and_a_sources_chart(html: str) -> None:
    images = [a for t, a in parse(html).tags if t == "img"]
    # Missing, Dead, Relief fund have two values or more; Evacuated has one; plus sources
    assert len(images) == 4
    assert all((a.get("alt") or "") for a in images)


# --- JSON -------------------------------------------------------------------------------------


def test_json_round_trips_to_the_contract_shape() -> None:
    data = json.loads(render(BRIEFING, "json"))
    assert data == json.loads(json.dumps(BRIEFING.to_json()))
    assert set(data) == {"generated", "stories"}
    story = data["stories"][0]
    assert {
        "id",
        "title",
        "documents",
        "facts",
        "timeline",
        "people",
        "contradictions",
        "changes",
    } <= set(story)
    assert story["contradictions"] == ["f-dead"]
    fact = story["facts"][0]
    assert {"id", "label", "what", "where", "status", "values"} <= set(fact)
    assert fact["status"] in {"corroborated", "single-source", "disputed", "changing"}
    for fact in story["facts"]:
        for v in fact["values"]:
            assert {"value", "low", "high", "unit", "as_of", "sources"} <= set(v)
            assert v["sources"], fact["id"]
            for source in v["sources"]:
                assert {"document", "outlet", "source", "start", "end", "quote"} <= set(source)
    for entry in story["timeline"]:
        assert {"date", "text", "sources"} <= set(entry) and entry["sources"]


# --- files and charts -------------------------------------------------------------------------


def test_write_markdown_writes_charts_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    paths = write(BRIEFING, "md", out)
    assert paths[0] == out
    names = sorted(p.name for p in paths[1:])
    assert names == [
        "brief-s1-f1-values.svg", "brief-s1-f2-values.svg", "brief-s1-f4-values.svg",
        "brief-s1-sources.svg",
    ]  # fmt: skip
    text = out.read_text(encoding="utf-8")
    for name in names:
        assert f"]({name})" in text
        svg = (tmp_path / name).read_bytes()
        ET.fromstring(svg)  # well-formed XML
        assert b"<script" not in svg
    assert set(tmp_path.iterdir()) == set(paths)
    # the vague value is annotated as words, the speculative one labelled, outlets in the legend
    missing = (tmp_path / "brief-s1-f1-values.svg").read_text(encoding="utf-8")
    assert "“a relatively small number”" in missing and GAZETTE in missing and HERALD in missing
    assert "speculative" in (tmp_path / "brief-s1-f2-values.svg").read_text(encoding="utf-8")


def test_write_html_and_json_write_one_file(tmp_path: Path) -> None:
    formats: tuple[Format, ...] = ("html", "json")
    for fmt in formats:
        out = tmp_path / f"sub/brief.{fmt}"
        assert write(BRIEFING, fmt, out) == [out]
        assert out.read_text(encoding="utf-8") == render(BRIEFING, fmt)


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    assert render(BRIEFING, "html") == render(BRIEFING, "html")
    first = write(BRIEFING, "md", tmp_path / "a" / "b.md")
    second = write(BRIEFING, "md", tmp_path / "c" / "b.md")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_markdown_without_assets_dir_has_no_images(md: str) -> None:
    assert "![" not in md


def test_markdown_with_assets_dir_links_the_charts_written_there(tmp_path: Path) -> None:
    text = render(BRIEFING, "md", tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 4 and all(name.startswith("briefing-s1-") for name in written)
    assert sorted(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)) == written


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown briefing format"):
        render(BRIEFING, "pdf")  # type: ignore[arg-type]


# --- hostile article text ---------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
MD_LINK = "[click](http://evil)"
MD_IMAGE = "![x](http://evil/x.png)"


def hostile_briefing() -> Briefing:
    """Every article-derived field carries an injection attempt."""
    evil = f"{SCRIPT} {ATTR} {MD_LINK} {MD_IMAGE} a | b *bold* _it_ `code` $x$ &amp;"
    doc = replace(
        GAZETTE_DOC,
        id="e" * 64,
        body=f"Lead. {evil} Tail.",
        title=f"Title {evil}",
        outlet=f"Outlet {ATTR}",
        url="javascript:alert(1)",
    )
    citation = Citation(
        document=doc.id, outlet=doc.outlet, published="2025-06-02", source=f"Speaker {evil}",
        start=6, end=6 + len(evil), quote=evil, url="javascript:alert(1)",
    )  # fmt: skip
    data_url = replace(citation, start=0, end=5, quote="Lead.", url="data:text/html,<b>x</b>")
    fact = Fact(
        id="f1", story="s1", label=f"Label {evil}", what=evil, where=evil, per=None, unit=None,
        status="disputed",
        values=(
            value(5, evil, "2025-06-02", citation, unit=None),
            value(None, evil, "2025-06-03", data_url, vague=True, unit=None),
        ),
        origins=(evil,), outlets=(doc.outlet or "",), corroborating=(evil,),
    )  # fmt: skip
    story = StoryBrief(
        id="s1",
        title=f"Story {evil}",
        documents=(doc,),
        facts=(fact,),
        timeline=(TimelineEntry("2025-06-02", f"Event {evil}", (citation,)),),
        people=(Speaker(f"Name {evil}", "person", (evil,), (citation,)),),
        contradictions=(fact,),
        changes=(Change("new_fact", "s1", "f1", None, evil, (citation,)),),
    )
    return Briefing(generated=evil, stories=(story,))


def test_hostile_text_is_inert_in_html(tmp_path: Path) -> None:
    from lxml import html as lxml_html

    page = render(hostile_briefing(), "html")
    parser = parse(page)
    assert not [t for t, _ in parser.tags if t == "script"]
    assert [(a.get("src") or "")[:26] for t, a in parser.tags if t == "img"] == [
        "data:image/svg+xml;base64,"
    ] * 2
    for _tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs)
        assert not any(
            "javascript:" in (v or "") or (v or "").startswith("data:text") for v in attrs.values()
        )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the text reads as written: nothing lost, nothing interpreted
    text = lxml_html.fromstring(page).text_content()
    assert SCRIPT in text and ATTR in text and MD_LINK in text


def test_hostile_text_is_inert_in_markdown(tmp_path: Path) -> None:
    out = tmp_path / "evil.md"
    paths = write(hostile_briefing(), "md", out)
    text = out.read_text(encoding="utf-8")
    assert "\\[click\\](http://evil)" in text and "!\\[x\\](http://evil/x.png)" in text
    assert "\\<script\\>alert(1)\\</script\\>" in text
    live = re.sub(r"\\.", "", text)  # what Markdown still reads as syntax once escapes are gone
    # no raw HTML or autolink (the document's URLs are javascript: and data:, never printed)
    assert "<" not in live and "javascript:" not in text and "data:text" not in text
    # every link-like [ is ours: footnote markers/definitions and our chart images
    brackets = re.findall(r"!?\[[^\]]*\](?:\([^)]*\))?", live)
    others = [b for b in brackets if not re.fullmatch(r"\[\^\d+\]", b)]
    assert [re.sub(r".*\]\(", "", b).rstrip(")") for b in others] == [p.name for p in paths[1:]]
    assert all(b.startswith("![") for b in others)
    # a | in a table cell cannot add a column: every row keeps the header's five cells
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 3
    assert all(re.sub(r"\\.", "", row).count("|") == 6 for row in rows), rows
    for svg in paths[1:]:
        content = svg.read_bytes()
        ET.fromstring(content)  # well-formed: the hostile label is XML-escaped text
        assert b"<script" not in content and b"<img" not in content


def test_hostile_markdown_renders_inert_in_a_commonmark_renderer() -> None:
    """What a Markdown viewer makes of it: hostile text stays text, our structure stays ours."""
    markdown_it = pytest.importorskip("markdown_it")
    page = (
        markdown_it.MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        .render(render(hostile_briefing(), "md"))
    )
    parser = parse(page)
    tags = [t for t, _ in parser.tags]
    assert not {"script", "img", "a", "em", "code", "del"} & set(tags)
    assert tags.count("tr") == 3 and tags.count("td") == 10  # two rows of five cells
    assert "<script>alert(1)</script>" in "".join(parser.text)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain words, 40 people", "plain words, 40 people"),
        ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
        (MD_LINK, "\\[click\\](http://evil)"),
        (MD_IMAGE, "!\\[x\\](http://evil/x.png)"),
        (SCRIPT, "\\<script\\>alert(1)\\</script\\>"),
        ("a | b", "a \\| b"),
        ("# not a heading", "\\# not a heading"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("line one\n\n---\nline two", "line one --- line two"),
        ("$400M–$600M", "\\$400M–\\$600M"),
        ("&lt;b&gt;", "\\&lt;b\\&gt;"),
        ("back\\slash", "back\\\\slash"),
        ("~~struck~~", "\\~\\~struck\\~\\~"),
    ],
)
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


def test_clean_text_drops_controls_and_bidi_overrides() -> None:
    assert clean_text("a\x00b\u202ecd\r\nnext\tline") == "abcd next line"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://gazette.example/a?b=1", True),
        ("http://x.example", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("file:///etc/passwd", False),
        ("//evil.example/x", False),
        ('https://x.example/"onmouseover="alert(1)', False),
        ("https://x.example/<script>", False),
        ("https:\\\\evil.example", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


# --- long lists: capped, counted, never dropped -----------------------------------------------

CROWD = 12  # documents, each citing the same figure: more than a line shows


def _crowd_doc(i: int) -> Document:
    body = f"Report {i}: police said 63 people were still missing. Officer {i} said it again."
    return Document(
        id=f"{i:064d}",
        body=body,
        title=f"Report {i}",
        outlet=f"Outlet {i % 7}",
        url=None,
        path=None,
        published=DateInfo(f"2025-06-{i + 1:02d}", "header"),
    )


CROWD_DOCS = tuple(_crowd_doc(i) for i in reversed(range(CROWD)))  # latest first: order is ours
CROWD_CITES = tuple(
    cite(d, "police said 63 people were still missing", f"Officer {d.title}") for d in CROWD_DOCS
)
CROWDED = Briefing(
    "2025-07-01T00:00:00Z",
    (
        StoryBrief(
            id="s2",
            title="Crowded story",
            documents=CROWD_DOCS,
            facts=(replace(MISSING, values=(value(63, "63", "2025-06-05", *CROWD_CITES),)),),
            timeline=tuple(
                TimelineEntry(f"2025-06-{n % 28 + 1:02d}", f"Event {n}", (CROWD_CITES[n % CROWD],))
                for n in range(60)
            ),
            people=tuple(
                Speaker(f"Officer {n}", "person", (), CROWD_CITES[: CROWD - n % CROWD])
                for n in range(45)
            ),
            contradictions=(),
        ),
    ),
)


def test_caps_show_the_first_reports_and_count_the_rest() -> None:
    caps = Caps(citations=3, names=2, timeline=4, speakers=2, quotes=2)
    story = build(CROWDED, with_plots=False, caps=caps).stories[0]
    row = story.facts.items[0].values.items[0]
    # the earliest three reports, the rest counted, and where in the fact's listing they start
    assert [r.label for r in row.refs] == [
        "Outlet 0, 2025-06-01",
        "Outlet 1, 2025-06-02",
        "Outlet 2, 2025-06-03",
    ]
    assert (row.refs.total, row.refs.more, row.refs.more_at) == (CROWD, CROWD - 3, 3)
    assert (len(row.speakers), row.speakers.more) == (2, CROWD - 2)
    assert (len(story.timeline), story.timeline.more) == (4, 56)
    assert (len(story.speakers), story.speakers.total) == (2, 45)
    first = story.speakers.items[0]
    assert (len(first.claims), first.claims.total) == (2, CROWD)
    # "and K more" leads to the first left out, in the listing the web app pages through
    listing = fact_listing(CROWDED.stories[0].facts[0])
    page = listing.page(row.refs.more_at, 50)
    assert page[0].citations[0] == listing.citations[0][3]
    assert sum(len(s.citations) for s in page) == CROWD - 3
    events = timeline_listing(CROWDED.stories[0])
    assert events.page(story.timeline.more_at, 1)[0].index == 4


def _shown_refs(story: StoryView) -> set[int]:
    """The numbers of every citation a story view shows, on any of its lines."""
    lines = [
        *(v.refs for f in story.facts for v in f.values),
        *(f.refs for f in story.single_source),
        *(t.refs for t in story.timeline),
        *(c.refs for p in story.speakers for c in p.claims),
        *(side.refs for c in story.contradictions for side in c.sides),
        *(c.refs for c in story.changes),
    ]
    return {r.number for refs in lines for r in refs}


def test_only_shown_citations_are_numbered_so_the_appendix_is_bounded() -> None:
    few = build(CROWDED, with_plots=False, caps=Caps(citations=1, timeline=1, speakers=1, quotes=1))
    many = build(CROWDED, with_plots=False)
    for view in (few, many):
        assert _shown_refs(view.stories[0]) == {s.ref.number for s in view.sources}
    assert len(few.sources) == 2  # the figure's earliest report and the first event's
    assert few.cut and many.cut and not build(BRIEFING, with_plots=False).cut


def test_markdown_and_html_say_how_many_more_and_json_keeps_every_citation() -> None:
    md = render(CROWDED, "md")
    assert "every value, event, speaker and citation is in the JSON briefing" in md
    row = next(line for line in md.splitlines() if line.startswith("| 2025-06-05 | 63 |"))
    assert row.endswith(f"[^5] and {CROWD - 5} more citations |")
    assert f"and {CROWD - 5} more sources |" in row
    assert "- …and 10 more events\n" in md
    assert "- …and 5 more speakers\n" in md
    assert "  - …and 7 more statements\n" in md
    html = render(CROWDED, "html")
    assert f'<span class="more">and {CROWD - 5} more citations</span>' in html
    assert '<p class="meta cut-note">' in html
    data = json.loads(render(CROWDED, "json"))["stories"][0]
    assert len(data["facts"][0]["values"][0]["sources"]) == CROWD
    assert len(data["timeline"]) == 60 and len(data["people"]) == 45


def test_listing_pages_by_citation_and_keeps_groups_without_one() -> None:
    groups = (("a", CROWD_CITES[:3]), ("empty", ()), ("b", CROWD_CITES[3:5]))
    listing = Listing.of(groups, lambda g: g[1])
    assert (listing.starts, listing.total) == ((0, 3, 4), 6)
    page = listing.page(2, 3)
    assert [(s.group[0], s.first, len(s.citations), s.total) for s in page] == [
        ("a", 2, 1, 3),
        ("empty", 0, 0, 0),
        ("b", 0, 1, 2),
    ]
    assert listing.page(6, 10) == [] and listing.places(5, 10) == 1
    assert Listing.of([CROWD_CITES + CROWD_CITES], lambda g: g).total == CROWD  # spans once


def test_caps_must_show_something() -> None:
    with pytest.raises(ValueError, match="citations"):
        Caps(citations=0)


def test_corroboration_says_how_many_origins_back_a_firm_figure() -> None:
    assert corroboration(FUND) == "2 outlets, 2 independent origins (Regional fund; Treasury)"
    speculative_only = replace(FUND, corroborating=())
    assert corroboration(speculative_only) == (
        "2 outlets, 2 independent origins, none with a firm figure"
    )
    one_firm = replace(DEAD, corroborating=("Tomas Vell",))
    assert corroboration(one_firm) == (
        "2 outlets, 3 independent origins, 1 with a firm figure (Tomas Vell)"
    )
