"""Entity fixes on sentences we wrote: exact spans, labels, canonical names, roles, places."""

from __future__ import annotations

import pytest

from newsledger.extract.entities import _abbreviates, find_entities, organization_kind
from newsledger.extract.nlp import parse
from newsledger.extract.places import find_places, lookup
from newsledger.model import Entity


def entities(text: str) -> list[Entity]:
    found = find_entities(parse(text))
    for entity in found:
        assert text[entity.start : entity.end] == entity.text
    return found


def by_text(text: str) -> dict[str, Entity]:
    return {e.text: e for e in entities(text)}


def test_hyphenated_korean_name_with_title_and_country_kept_apart() -> None:
    found = by_text(
        "Retired South Korean Lieutenant-General Chun In-bum said the units were green."
    )
    chun = found["Chun In-bum"]
    assert (chun.label, chun.canonical) == ("person", "Chun In-bum")
    assert chun.role == "retired lieutenant-general"
    assert chun.country == "South Korea"


def test_three_part_korean_names_are_whole() -> None:
    text = "President Yoon Suk Yeol met Foreign Minister Choe Son Hui in Seoul."
    found = by_text(text)
    assert found["Yoon Suk Yeol"].role == "president"
    assert found["Choe Son Hui"].role == "foreign minister"
    assert "Yoon Suk" not in found


def test_surname_first_mention_and_office_map_to_the_full_name() -> None:
    text = "President Yoon Suk Yeol spoke on Friday. Yoon's office said it would respond."
    found = entities(text)
    office = next(e for e in found if e.text == "Yoon's office")
    assert (office.label, office.canonical) == ("government", "office of Yoon Suk Yeol")
    later = next(e for e in found if e.text == "Yoon")
    assert later.canonical == "Yoon Suk Yeol"


def test_later_surname_tagged_as_organisation_is_the_person() -> None:
    text = "Pentagon spokesman Maj. Gen. Pat Ryder spoke to reporters. Ryder added that more would come."
    found = entities(text)
    ryder = [e for e in found if e.text == "Ryder"]
    assert (
        ryder and ryder[0].label == "person" and ryder[0].canonical == "Patrick Ryder"
    )  # in-document, then the alias table
    assert next(e for e in found if e.text == "Pentagon").label == "government"


def test_acronym_takes_the_long_name_spelled_in_the_document() -> None:
    text = (
        "The National Intelligence Service (NIS) said 1,500 had arrived. "
        "The NIS added that more were expected."
    )
    acronyms = [e for e in entities(text) if e.text == "NIS"]
    assert acronyms and all(e.canonical == "National Intelligence Service" for e in acronyms)
    assert all(e.label == "government" for e in acronyms)


def test_a_short_name_in_brackets_is_the_body_wherever_it_is_used() -> None:
    text = (
        "A helicopter under contract to Pacific Gas and Electric (PG&E) struck power lines. "
        "PG&E said it was sorry."
    )
    short = [(e.start, e.label, e.canonical) for e in entities(text) if e.text == "PG&E"]
    assert short == [
        (text.index("PG&E"), "organization", "Pacific Gas and Electric"),
        (text.rindex("PG&E"), "organization", "Pacific Gas and Electric"),
    ]


def test_abbreviation_with_small_words_and_a_person_tag_takes_the_long_name() -> None:
    text = (
        "The Ministry of Land, Infrastructure and Transport (MOLIT) reported a bird strike. "
        "MOLIT stated it will open a response headquarters."
    )
    short = [e for e in entities(text) if e.text == "MOLIT"]
    assert short and short[-1].start == text.rindex("MOLIT")
    assert {(e.label, e.canonical) for e in short} == {
        ("government", "Ministry of Land, Infrastructure and Transport")
    }


@pytest.mark.parametrize(("short", "name"), [("NIS", "Foreign Office"), ("MLIT", "Ministry")])
def test_letters_that_do_not_spell_the_name_are_no_abbreviation(short: str, name: str) -> None:
    assert not _abbreviates(short, name)


def test_place_tagged_as_product_becomes_a_place_with_coordinates() -> None:
    text = "The brigades were moved to Kursk Oblast and then to Kursk itself."
    places = find_places(parse(text))
    kursk = [p for p in places if p.text.startswith("Kursk")]
    assert kursk, places
    assert all(p.country_code == "RU" and p.lat is not None for p in kursk)
    assert not [e for e in entities(text) if e.label == "person"]


def test_a_name_before_province_is_a_place() -> None:
    """The model takes "Maidan Wardak" for a person; "province" after it says otherwise."""
    text = "A car bomb hit a base in the centre of Afghanistan's Maidan Wardak province."
    assert [e.label for e in entities(text)] == ["place", "place"]


def test_title_word_alone_is_not_an_organisation() -> None:
    text = "U.S. Defense Secretary Lloyd Austin said the units were in place."
    found = entities(text)
    assert "Defense" not in {e.text for e in found}
    austin = next(e for e in found if e.text == "Lloyd Austin")
    assert austin.role == "defense secretary"
    assert austin.country == "United States"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("the Kremlin", "government"),
        ("Ministry of Civil Protection", "government"),
        ("Yonhap news agency", "media"),
        ("Northline Press Agency", "media"),
        ("the Russian Pacific Fleet", "military"),
        ("Association of Kaldmoor Insurers", "organization"),
    ],
)
def test_organisation_kinds(name: str, kind: str) -> None:
    assert organization_kind(name) == kind


def test_gazetteer_links_countries_and_regions() -> None:
    assert lookup("North Korea") is not None and lookup("North Korea").country_code == "KP"
    region = lookup("the Kursk region")
    assert region is not None and region.name == "Kursk"
    assert lookup("Sallow Cross") is None


def test_editorial_brackets_leave_the_canonical_name() -> None:
    text = "Russian President [Vladimir] Putin said the treaty was a defensive pact."
    people = [e for e in entities(text) if e.label == "person"]
    assert [p.canonical for p in people] == ["Vladimir Putin"]


def test_role_with_of_is_read_whole() -> None:
    found = by_text("Secretary of State Antony Blinken said the reports were credible.")
    assert found["Antony Blinken"].role == "secretary of state"


def test_headline_fragment_is_not_a_person() -> None:
    found = entities("An Elusive Payday\nThe soldiers were promised wages that never came.")
    assert not [e for e in found if e.label == "person"]


def test_number_and_date_entities_are_left_to_the_other_finders() -> None:
    doc = parse("In 2024 the ministry said 12,000 soldiers were paid $2,000 each.")
    labels = {ent.label_ for ent in doc.ents}
    assert {"DATE", "CARDINAL", "MONEY"} <= labels


def test_a_surname_tagged_as_an_organisation_is_the_person_it_names() -> None:
    text = "Volodymyr Zelensky spoke on Monday. Zelenskyy said the troops had arrived."
    later = [e for e in entities(text) if e.text == "Zelenskyy"]
    assert [(e.label, e.canonical) for e in later] == [("person", "Volodymyr Zelensky")]


def test_a_title_at_the_start_of_a_name_is_its_role() -> None:
    text = "According to Superintendent Graciano Mijares of the police, 14 civilians died."
    (person,) = [e for e in entities(text) if e.label == "person"]
    assert (person.text, person.canonical) == ("Graciano Mijares", "Graciano Mijares")


def test_a_surname_the_model_left_untagged_is_still_the_person() -> None:
    text = (
        "Mufti Abdul Qawi was acquitted and Mohammed Waseem was convicted. Qawi left. "
        "Waseem appeared in a news conference after his arrest."
    )
    waseem = [e for e in entities(text) if e.text == "Waseem"]
    assert [(e.label, e.canonical) for e in waseem] == [("person", "Mohammed Waseem")]


def test_a_name_in_apposition_with_a_title_is_a_person_and_a_company_is_not() -> None:
    text = (
        "HDT Védelmi Ipari Kft. bought the firm. Magyar Nemzet interviewed Gáspár Maróth, the "
        "Hungarian Government commissioner responsible for defence, in which the deal was "
        "announced."
    )
    found = by_text(text)
    assert found["Gáspár Maróth"].label == "person"
    assert all(e.label != "person" for e in found.values() if "Kft" in e.text)


def test_a_shared_surname_is_the_person_introduced_first() -> None:
    """The CIA officer's obituary names his wife later: a bare "Mendez" stays him."""
    text = (
        "Tony Mendez, a CIA officer, died on Saturday. Mendez once told the Post he was proud. "
        "He is survived by his wife, Jonna Mendez."
    )
    mentions = [e for e in entities(text) if e.text == "Mendez"]
    assert mentions and {e.canonical for e in mentions} == {"Tony Mendez"}
