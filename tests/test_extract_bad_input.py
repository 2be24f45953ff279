"""Bad input for the extract stage: every body gives an extraction, never an exception."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from spacy.tokens import Doc

from newsledger.config import Limits
from newsledger.extract.claims import extract
from newsledger.ingest.document import document_id
from newsledger.model import DateInfo, Document, Extraction
from newsledger.pipeline import ingest
from newsledger.store import Store


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


@pytest.mark.exhaustive
def test_two_megabyte_paragraph_is_extracted_in_chunks() -> None:
    sentence = "The ministry said about 2,000 people were evacuated on Monday, officials added. "
    body = sentence * (2_000_000 // len(sentence))
    found = run(body)
    assert len(found.claims) > 1000


def test_a_piece_over_the_time_budget_is_cut_short_and_the_batch_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Our rules stall on one document (simulated: they sleep on it); its extraction is cut at
    the budget and says why, the others are extracted, and ingest stores all of them and names
    the slow one with its path."""
    from newsledger.extract import claims

    real = claims._extract_doc

    def stalls(document: Document, doc: Doc) -> Extraction:
        if "Pathological" in doc.text:
            time.sleep(30)
        return real(document, doc)

    monkeypatch.setattr(claims, "_extract_doc", stalls)
    monkeypatch.setattr(claims, "EXTRACT_SECONDS", 0.5)
    slow = tmp_path / "slow.txt"
    slow.write_text("Pathological text. Officials said 40 people were missing.\n")
    fine = tmp_path / "fine.txt"
    fine.write_text("Police said on Monday that 12 people were hurt in the crash.\n")
    store = Store(str(tmp_path / "db.sqlite"))
    try:
        started = time.monotonic()
        report = ingest(store, [str(slow), str(fine)], Limits())
        assert time.monotonic() - started < 25
        assert report.ingested == 2
        assert [(f.input, f.code) for f in report.failures] == [(str(slow), "E022")]
        assert "stopped" in report.failures[0].reason
        kept = {d.path: store.extraction(d.id) for d in store.documents()}
        assert kept[str(slow)] is not None and kept[str(slow)].claims == ()
        assert kept[str(fine)] is not None and kept[str(fine)].claims
    finally:
        store.close()
