"""The extract stage as a whole: figures owned by one claim, chunking, storage round trip."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsledger.extract.claims import chunks, extract, extract_many, shift
from newsledger.ingest.document import document_id
from newsledger.model import DateInfo, Document, Extraction, Quantity, Span
from newsledger.store import Store

STORY = (
    "Water authority spokesman Tomas Velde said on Monday that about 300 homes were flooded.\n"
    "The White House said 40 people were missing, while the mayor put the number at 120.\n"
    "Relief of $500 per household per month will be paid, the ministry confirmed.\n"
    "Around 2,000 residents were moved to shelters overnight."
)


def document(body: str, published: str | None = "2025-03-13") -> Document:
    return Document(
        document_id(body), body, "Flood", "Valley Times", None, "x.txt", DateInfo(published)
    )


def test_each_figure_belongs_to_exactly_one_claim() -> None:
    found = extract(document(STORY))
    owned = [q.start for c in found.claims for q in c.quantities]
    assert len(owned) == len(set(owned))
    by_value = {q.value or q.high or q.low: c for c in found.claims for q in c.quantities}
    assert by_value[40].source is not None and by_value[40].source.canonical == "White House"
    assert by_value[300].source is not None and by_value[300].source.canonical == "Tomas Velde"


def test_figure_nobody_states_is_the_outlets_own_claim() -> None:
    found = extract(document(STORY))
    shelters = next(c for c in found.claims if any(q.value == 2000 for q in c.quantities))
    assert shelters.source is None and shelters.cue is None
    assert shelters.text == "Around 2,000 residents were moved to shelters overnight."


def test_a_figure_in_a_while_clause_beside_a_claim_is_the_outlets() -> None:
    body = "Marl County reported five deaths, while Dunmore had two deaths and Ost had three."
    owners = {
        q.value: c.source.canonical if c.source else None
        for c in extract(document(body)).claims
        for q in c.quantities
    }
    assert owners == {5: "Marl County", 2: None, 3: None}


def test_a_figure_in_a_clause_joined_to_an_attribution_is_the_outlets() -> None:
    body = "Of the 2.8 million who voted, 85% were in favour and the government announced a vote."
    owners = {q.value: c.source for c in extract(document(body)).claims for q in c.quantities}
    assert owners == {2_800_000: None, 85: None}


def _sources(body: str) -> list[tuple[str, str | None]]:
    return [(c.source.kind, c.source.canonical) for c in extract(document(body)).claims if c.source]


def test_someone_of_a_body_is_unnamed_and_a_spokesman_named_is_that_person() -> None:
    assert _sources("A senior Brelish defence official said 300 marines died.") == [
        ("unnamed", None)
    ]
    assert _sources("Pentagon officials said 500 troops arrived.") == [("unnamed", None)]
    assert _sources("A Pentagon spokesman, Patrick Ryder, said 500 troops arrived.") == [
        ("person", "Patrick Ryder")
    ]
    assert _sources("A spokesman for the Ministry of Social Affairs said 90 homes flooded.") == [
        ("government", "Ministry of Social Affairs")
    ]
    office = "Homes get $500 a month, as per a statement from the office of Premier Jonas Welk."
    assert _sources(office) == [("government", "Jonas Welk's office")]


def test_a_name_described_after_a_comma_is_who_speaks() -> None:
    """The parser often hangs "the mayor of Esperanza, Sultan Kudarat" on the wrong word; the
    name the phrase opens with is the speaker, and a later name in it is where or whose."""
    mayor = "Daniel Ruiz Cortes, the governor of Lanao, Sultan Kudarat, said 40 homes were lost."
    assert _sources(mayor) == [("person", "Daniel Ruiz Cortes")]
    council = "Amir Sadat, of the Maidan Wardak provincial council, described 35 bodies."
    assert _sources(council) == [("person", "Amir Sadat")]
    assert _sources("The chamber's president, Anika Strand, said 40 homes were lost.") == [
        ("person", "Anika Strand")
    ]


def test_relative_date_of_a_claim_resolves_against_the_publication_date() -> None:
    found = extract(document(STORY))
    velde = next(c for c in found.claims if c.source and c.source.canonical == "Tomas Velde")
    assert [(t.text, t.date) for t in velde.when] == [("Monday", "2025-03-10")]


def test_long_body_is_parsed_in_chunks_with_offsets_kept() -> None:
    body = "\n".join([STORY] * 400)  # about 130,000 characters, over one chunk
    assert len(list(chunks(body))) > 1
    found = extract(document(body))
    assert len([c for c in found.claims if c.source and c.source.canonical == "White House"]) == 400
    for claim in found.claims:
        assert body[claim.start : claim.end] == claim.text
        for q in claim.quantities:
            assert body[q.start : q.end] == q.text


def test_empty_and_odd_bodies_give_an_extraction() -> None:
    docs = [document(""), document("1 2 3 4 5\n\n\n"), document("Das ist kein Englisch, 12 Leute.")]
    found = list(extract_many(docs))
    assert [e.document.id for e in found] == [d.id for d in docs]


def test_shift_moves_every_nested_offset() -> None:
    q = Quantity("40", 5, 7, 40.0)
    moved = shift(Span("x", 1, 2), 10), shift(q, 3)
    assert (moved[0].start, moved[0].end, moved[1].start, moved[1].end) == (11, 12, 8, 10)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_offsets_always_index_the_body(body: str) -> None:
    found = extract(document(body))
    for item in [*found.entities, *found.times, *found.places, *found.claims]:
        assert body[item.start : item.end] == item.text
    for claim in found.claims:
        for part in [claim.content, claim.source, claim.cue, *claim.quantities]:
            if part is not None:
                assert body[part.start : part.end] == part.text


def test_store_keeps_the_extraction_with_its_document(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "s.db"))
    found = extract(document(STORY))
    store.add(found.document, b"", 0, (), found)
    loaded = store.extraction(found.document.id)
    store.close()
    assert isinstance(loaded, Extraction)
    assert loaded.claims == found.claims
    assert loaded.entities == found.entities
    assert loaded.times == found.times


def test_a_joint_source_of_two_bodies_is_listed_under_the_first() -> None:
    body = (
        "Researchers from the University of Washington and Stanford University reported that "
        "deaths fell. According to the study, 16,000 deaths were attributable to power plants."
    )
    assert _sources(body) == [
        ("organization", "University of Washington"),
        ("document", "University of Washington"),
    ]


def test_a_short_name_given_in_brackets_is_that_body() -> None:
    body = (
        "The California Department of Forestry and Fire Protection (CalFire) said acres burned. "
        "CalFire indicated the injuries were minor."
    )
    name = "California Department of Forestry and Fire Protection"
    assert _sources(body) == [("government", name), ("government", name)]


def test_a_role_word_after_the_name_resolves_the_role() -> None:
    body = (
        "The mass was led by Archbishop Jorge Eduardo Scheinig. Calling it a tragedy, the "
        'archbishop said "We need to pray."'
    )
    assert ("person", "Jorge Eduardo Scheinig") in _sources(body)
