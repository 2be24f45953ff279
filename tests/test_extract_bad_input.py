"""Bad input for the extract stage: every body gives an extraction, never an exception."""

from __future__ import annotations

import pytest

from newsledger.extract.claims import extract
from newsledger.ingest.document import document_id
from newsledger.model import DateInfo, Document, Extraction


def run(body: str) -> Extraction:
    document = Document(document_id(body), body, None, None, None, None, DateInfo("2024-10-31"))
    found = extract(document)
    for item in [*found.entities, *found.times, *found.places, *found.claims]:
        assert body[item.start : item.end] == item.text
    for claim in found.claims:
        for q in claim.quantities:
            assert body[q.start : q.end] == q.text
    return found


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   \n\n\t  ",
        "...!!! ??? --- ***",
        "Die Regierung sagte am Montag, dass 12.000 Soldaten nach Russland geschickt wurden.",
        "정부는 월요일에 1만 2천 명의 병사가 파견되었다고 밝혔다.",
        "\n".join(" | ".join(f"{r * c:,}" for c in range(1, 9)) for r in range(1, 200)),
        "Q3 2024 | 1.2 C | 75 F / Los Angeles | 11th Corps | 1950s | 3-1 | 24/7 | +44 20 7946 0958",
        "\u202e\u200b\ufeff\x00 zero-width and control characters \u0301\u0301 10,000 troops",
    ],
    ids=[
        "empty",
        "blank",
        "punctuation",
        "german",
        "korean",
        "table",
        "chrome-numbers",
        "controls",
    ],
)
def test_odd_bodies_give_an_extraction(body: str) -> None:
    assert isinstance(run(body), Extraction)


def test_page_of_numbers_yields_no_people_from_table_cells() -> None:
    body = "\n".join(" | ".join(str(r * c) for c in range(1, 6)) for r in range(1, 50))
    found = run(body)
    assert not [e for e in found.entities if e.label == "person"]


@pytest.mark.slow
def test_two_megabyte_paragraph_is_extracted_in_chunks() -> None:
    sentence = "The ministry said about 2,000 people were evacuated on Monday, officials added. "
    body = sentence * (2_000_000 // len(sentence))
    found = run(body)
    assert len(found.claims) > 1000
