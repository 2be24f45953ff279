"""Facts, origins, timeline and brief on short articles we wrote about an invented landslide.

Every article, outlet, person and figure here is invented for these tests (the village of
Bellmoor, the Ostvale Emergency Agency and Mayor Tessa Quorn do not exist); nothing is copied
from ../shared/corpus. The articles go through the real extractor, so the tests also show what
the fact index makes of the extractor's output as it is.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import cache

import pytest

from newsledger.extract.claims import extract
from newsledger.model import DateInfo, Document, Entity, Extraction, Fact
from newsledger.reconcile.brief import brief, problems
from newsledger.reconcile.facts import FactIndex, FactSettings, lemma
from newsledger.reconcile.origins import Actors, outlet_name, publishing_origin, strip_titles
from newsledger.reconcile.stories import StoryIndex
from newsledger.reconcile.timeline import Timeline, event_date

STORY = "bellmoor"

FIRST = (
    "Ostvale Gazette",
    "2025-06-02",
    "At least 40 people are missing after a landslide buried part of the village of Bellmoor "
    "on Sunday, the Ostvale Emergency Agency said.\n"
    "The agency said 12 people were confirmed dead and about 2,000 people had been evacuated "
    "from the valley.",
)
SECOND = (
    "Bellmoor Bugle",
    "2025-06-03",
    "The Ostvale Emergency Agency said on Tuesday that about 90 people were missing after the "
    "Bellmoor landslide.\n"
    "Mayor Tessa Quorn said as many as 120 people may be missing, according to lists kept by "
    "neighbours.",
)
THIRD = (
    "Harbour Courier",
    "2025-06-03",
    "According to the Ostvale Emergency Agency, about 90 people were still missing on Tuesday.\n"
    "The army said about 10,000 soldiers had been sent to the valley.",
)
FOURTH = (
    "Ridgeway Post",
    "2025-06-04",
    "The defence ministry said between 10,000 and 12,000 troops were helping the search.\n"
    "The government will pay $500 per household per month to families forced from their "
    "homes, the finance ministry said.\n"
    "Finance Minister Arlen Voss said the response was costing around $2 million per day.",
)
FIFTH = (
    "Ostvale Gazette",
    "2025-06-05",
    "The number of people missing after the Bellmoor landslide has fallen to 63, police said on "
    "Thursday.\n"
    'The water board said "a relatively small number" of people remained unaccounted for.',
)
WIRE = (
    "Riverside Wire",
    "2025-06-04",
    "About 300 homes were damaged by the landslide in Bellmoor, and the road to the valley will "
    "stay closed until Friday.",
)
AREA = (
    "Ostvale Gazette",
    "2025-06-06",
    "The landslide covered about 35 square kilometres of farmland, the survey office said.\n"
    "The regional planning office said on Friday that roughly 3,500 hectares were covered by "
    "the landslide.",
)


def document(outlet: str, published: str, body: str, duplicate_of: str | None = None) -> Document:
    return Document(
        id=hashlib.sha256((outlet + body).encode()).hexdigest(),
        body=body,
        title=body.split("\n")[0][:60],
        outlet=outlet,
        url=None,
        path=None,
        published=DateInfo(published, "header"),
        duplicate_of=duplicate_of,
    )


@cache
def extraction(article: tuple[str, str, str], duplicate_of: str | None = None) -> Extraction:
    return extract(document(*article, duplicate_of=duplicate_of))


def index(*articles: tuple[str, str, str]) -> FactIndex:
    facts = FactIndex()
    for article in articles:
        facts.add(extraction(article), STORY)
    return facts


def fact(facts: FactIndex, label: str) -> Fact:
    """The fact of that label; a victim count may carry the story's place ("Missing (Bellmoor)")."""
    found = [f for f in facts.facts(STORY) if f.label.split(" (")[0] == label.split(" (")[0]]
    labels = [f.label for f in facts.facts(STORY)]
    assert len(found) == 1, f"{label!r} not among {labels}"
    return found[0]


def readings(f: Fact) -> list[tuple[float | None, float | None, float | None, str | None]]:
    return [(v.value, v.low, v.high, v.as_of) for v in f.values]


# --- origins ---------------------------------------------------------------------------------


def test_two_outlets_citing_the_same_agency_are_one_origin() -> None:
    facts = index(SECOND, THIRD)
    missing = fact(facts, "Missing")
    ninety = next(v for v in missing.values if v.value == 90)
    assert {c.outlet for c in ninety.sources} == {"Bellmoor Bugle", "Harbour Courier"}
    assert {c.origin for c in ninety.sources} == {"Ostvale Emergency Agency"}
    assert missing.origins == ("Ostvale Emergency Agency", "Tessa Quorn")


#: a bare "police" that names no force: one unnamed body however many outlets quote it
BARE_POLICE = ("Harbour Courier", "2025-06-05", "About 63 people are still missing, police said.")


def test_bare_police_in_two_outlets_are_one_unnamed_body_and_one_origin() -> None:
    first = (
        "Bellmoor Bugle",
        "2025-06-05",
        "Police said 63 people were still missing on Thursday.",
    )
    sources = [c.source for c in extraction(first).claims + extraction(BARE_POLICE).claims]
    assert [(s.kind, s.canonical) for s in sources if s] == [("unnamed", None)] * 2
    missing = fact(index(first, BARE_POLICE), "Missing")
    assert {c.outlet for v in missing.values for c in v.sources} == {
        "Bellmoor Bugle",
        "Harbour Courier",
    }
    assert missing.origins == ("police",)


def test_bare_police_is_the_force_the_story_named_before() -> None:
    named = (
        "Bellmoor Bugle",
        "2025-06-04",
        "The Ostvale Provincial Police said 70 people were missing.",
    )
    missing = fact(index(named, BARE_POLICE), "Missing")
    assert missing.origins == ("Ostvale Provincial Police",)


def test_a_wire_copy_is_the_same_origin_as_its_original() -> None:
    original = extraction(WIRE)
    copy = extraction(("Harbour Courier", "2025-06-05", WIRE[2]), original.document.id)
    facts = FactIndex()
    facts.add(original, STORY)
    facts.add(copy, STORY)
    homes = fact(facts, "Homes destroyed or damaged")
    assert homes.outlets == ("Riverside Wire", "Harbour Courier")
    assert homes.origins == ("Riverside Wire",)
    assert homes.status == "single-source"
    # the copy's figure is as of the original's date, not the day it was reprinted
    assert homes.values[0].as_of == "2025-06-04"


def test_a_figure_after_a_stretch_up_to_now_stands_as_of_publication() -> None:
    """The police's 31 is today's count, not one spread over the past two days, so it follows
    the governor's 41 of two days ago instead of disputing it."""
    earlier = ("Bellmoor Bugle", "2025-06-04", "Governor Tessa Quorn said 41 people were missing.")
    later = (
        "Harbour Courier",
        "2025-06-06",
        "Police said 31 people were still missing, after 9 people were traced in the past "
        "two days.",
    )
    found = extraction(later)
    assert any(t.date == "2025-06-04/2025-06-06" for t in found.times)
    missing = fact(index(earlier, later), "Missing")
    assert [(v.value, v.as_of) for v in missing.values] == [(41, "2025-06-04"), (31, "2025-06-06")]
    assert missing.status == "changing"


def test_a_figure_since_a_day_stands_as_of_publication() -> None:
    body = "About 4,000 people have been evacuated since Sunday night, the agency said."
    found = extraction(("Harbour Courier", "2025-06-05", body))
    assert any(t.text.startswith("since") and t.granularity == "day" for t in found.times)
    evacuated = fact(index(("Harbour Courier", "2025-06-05", body)), "Evacuated")
    assert [v.as_of for v in evacuated.values] == ["2025-06-05"]


def test_a_state_verb_before_the_figure_beats_a_participle_after_it() -> None:
    body = 'The army said it had killed or wounded "about 300" soldiers sent by Brelia.'
    labels = [f.label for f in index(("Harbour Courier", "2025-06-06", body)).facts(STORY)]
    assert any("killed or wounded" in label for label in labels), labels


def test_a_dateline_credits_the_wire_agency_as_origin() -> None:
    body = "SALLOW END, June 4 (RWS) - About 300 homes were damaged by the landslide."
    found = extraction(("Harbour Courier", "2025-06-04", body))
    assert publishing_origin(found, {}) == "RWS"


def test_actors_merge_spellings_surnames_titles_and_offices() -> None:
    actors = Actors()
    actors.learn(
        [
            Entity("Tessa Quorn", 0, 11, "person", "Tessa Quorn", role="mayor"),
            Entity("Ilya Marekovic", 20, 34, "person", "Ilya Marekovic"),
        ]
    )
    assert actors.resolve("Ilya Marekovich", "person") == "Ilya Marekovic"
    assert actors.resolve("Quorn", "person") == "Tessa Quorn"
    assert actors.resolve("Ms Quorn", "person") == "Tessa Quorn"
    assert actors.resolve("mayor's office", "government") == "Office of Tessa Quorn"
    assert (
        actors.resolve("the office of Mayor Tessa Quorn", "government") == "Office of Tessa Quorn"
    )
    # a different surname never merges, however close the given names
    assert actors.resolve("Ilya Marenko", "person") == "Ilya Marenko"
    reasons = {m.name: m.reason for m in actors.merges}
    assert reasons["Ilya Marekovich"].startswith("spelling of Ilya Marekovic")
    assert reasons["Quorn"] == "surname of Tessa Quorn"
    assert reasons["mayor's office"] == "the office of Tessa Quorn"
    assert Actors.from_state(json.loads(json.dumps(actors.to_state()))) == actors


def test_a_surname_seen_before_the_full_name_joins_it_later() -> None:
    actors = Actors()
    assert actors.resolve("Quorn", "person") == "Quorn"
    assert actors.resolve("Tessa Quorn", "person") == "Tessa Quorn"
    assert actors.canonical("Quorn") == "Tessa Quorn"


def test_titles_are_dropped_and_generic_names_find_their_body() -> None:
    assert strip_titles("Chief Superintendent Owen Marsh") == "Owen Marsh"
    assert strip_titles("Mayor") == "Mayor"
    actors = Actors()
    actors.resolve("Ostvale Regional Police", "government")
    assert actors.resolve("police", "government") == "Ostvale Regional Police"


def test_outlet_name_falls_back_to_the_host() -> None:
    doc = Document(
        "x", "body", None, None, "https://www.bellmoor-bugle.example/a", None, DateInfo(None)
    )
    assert outlet_name(doc) == "bellmoor-bugle.example"


# --- grouping --------------------------------------------------------------------------------


def test_dead_missing_and_evacuated_are_separate_facts() -> None:
    facts = index(FIRST)
    assert readings(fact(facts, "Missing")) == [(None, 40.0, None, "2025-06-01")]
    assert readings(fact(facts, "Dead")) == [(12.0, None, None, "2025-06-02")]
    assert readings(fact(facts, "Evacuated")) == [(2000.0, None, None, "2025-06-02")]


def test_troops_and_soldiers_are_one_fact_and_agree_within_ranges() -> None:
    facts = index(THIRD, FOURTH)
    troops = fact(facts, "Troops (total)")
    assert readings(troops) == [
        (10000.0, None, None, "2025-06-03"),
        (None, 10000.0, 12000.0, "2025-06-04"),
    ]
    assert troops.origins == ("army", "defence ministry")
    assert troops.status == "corroborated"


def test_money_per_household_per_month_is_not_money_per_day() -> None:
    facts = index(FOURTH)
    relief = fact(facts, "Relief payment per household per month")
    cost = fact(facts, "Cost per day")
    assert readings(relief) == [(500.0, None, None, "2025-06-04")]
    assert readings(cost) == [(2_000_000.0, None, None, "2025-06-04")]
    assert relief.unit == cost.unit == "USD"


def test_areas_in_other_units_are_converted_and_agree() -> None:
    facts = index(AREA)
    area = fact(facts, "Area")
    assert [(v.value, v.unit) for v in area.values] == [(35.0, "km2")]  # one reading
    assert [c.quote for c in area.values[0].sources] == [
        "about 35 square kilometres of farmland",
        "roughly 3,500 hectares",
    ]
    assert area.unit == "km2"
    assert area.status == "corroborated"


def test_a_vague_value_is_kept_and_shown() -> None:
    missing = fact(index(FIFTH), "Missing")
    vague = [v for v in missing.values if v.vague]
    assert [v.text for v in vague] == ['a relatively small number" of people']
    assert vague[0].sources[0].origin == "water board"


def test_figures_with_nothing_to_count_stay_out_of_facts() -> None:
    facts = index(WIRE)
    assert [f.label for f in facts.facts(STORY)] == ["Homes destroyed or damaged"]


def test_lemma() -> None:
    assert [lemma(w) for w in ("bodies", "troops", "businesses", "people", "status")] == [
        "body",
        "troop",
        "business",
        "people",
        "status",
    ]


# --- status ----------------------------------------------------------------------------------


def test_missing_moving_over_days_is_changing() -> None:
    missing = fact(index(FIRST, THIRD, FIFTH), "Missing")
    numbers = [(v.value, v.low, v.as_of) for v in missing.values if not v.vague]
    assert numbers == [
        (None, 40.0, "2025-06-01"),
        (90.0, None, "2025-06-03"),
        (63.0, None, "2025-06-05"),
    ]
    assert missing.status == "changing"


def test_ministry_against_mayor_on_the_same_day_is_disputed() -> None:
    missing = fact(index(SECOND), "Missing")
    assert readings(missing) == [
        (90.0, None, None, "2025-06-03"),
        (None, None, 120.0, "2025-06-03"),
    ]
    assert missing.status == "disputed"


def test_speculative_values_are_marked_and_never_corroborate() -> None:
    missing = fact(index(SECOND), "Missing")
    assert [v.certainty for v in missing.values] == ["reported", "speculative"]
    settings = FactSettings()
    assert settings.upper_bound > 0  # "as many as 120" reads as near 120, not as 0 to 120


# --- changes and state -----------------------------------------------------------------------


def test_changes_are_emitted_exactly() -> None:
    facts = FactIndex()
    first = facts.add(extraction(FIRST), STORY)
    assert [(c.kind, c.after["label"].split(" (")[0], c.after["status"]) for c in first] == [
        ("new_fact", "Missing", "single-source"),
        ("new_fact", "Dead", "single-source"),
        ("new_fact", "Evacuated", "single-source"),
    ]
    second = facts.add(extraction(SECOND), STORY)
    missing = fact(facts, "Missing").id
    earlier = [{"value": None, "low": 40.0, "high": None, "unit": "people",
                "text": "At least 40 people", "as_of": "2025-06-01"}]  # fmt: skip
    assert [(c.kind, c.fact, c.before, c.after) for c in second] == [
        ("new_value", missing, earlier, {"value": 90.0, "low": None, "high": None,
                                         "unit": "people", "text": "about 90 people",
                                         "as_of": "2025-06-03"}),
        ("new_value", missing, earlier, {"value": None, "low": None, "high": 120.0,
                                         "unit": "people", "text": "as many as 120 people",
                                         "as_of": "2025-06-03"}),
        ("new_source", missing, ["Ostvale Emergency Agency"], "Tessa Quorn"),
        ("status_changed", missing, "single-source", "disputed"),
    ]  # fmt: skip
    assert all(c.sources for c in second)
    assert all(s.document == extraction(SECOND).document.id for c in second for s in c.sources)
    # the same document again changes nothing
    assert facts.add(extraction(SECOND), STORY) == []


def test_state_round_trips_and_continues_the_same() -> None:
    facts = index(FIRST, SECOND)
    restored = FactIndex.from_state(json.loads(json.dumps(facts.to_state())))
    assert restored.facts(STORY) == facts.facts(STORY)
    assert restored.add(extraction(FIFTH), STORY) == facts.add(extraction(FIFTH), STORY)
    assert restored.facts(STORY) == facts.facts(STORY)
    with pytest.raises(ValueError, match="version"):
        FactIndex.from_state({**facts.to_state(), "version": 99})


def test_fact_ids_are_stable_across_runs_and_arrival_order() -> None:
    one = {f.label: f.id for f in index(FIRST, SECOND, FIFTH).facts(STORY)}
    two = {f.label: f.id for f in index(FIFTH, SECOND, FIRST).facts(STORY)}
    assert one == two


def test_adding_touches_only_its_own_story() -> None:
    facts = FactIndex()
    facts.add(extraction(FIRST), "other story")
    before = facts.facts("other story")
    changes = facts.add(extraction(SECOND), STORY)
    assert {c.story for c in changes} == {STORY}
    assert facts.facts("other story") == before


# --- timeline and brief ----------------------------------------------------------------------


def test_timeline_dates_events_by_their_own_day_and_merges_sources() -> None:
    timeline = Timeline()
    changes = timeline.add(extraction(FIRST), STORY)
    assert [(c.kind, c.after["date"]) for c in changes] == [("new_event", "2025-06-01")]
    timeline.add(extraction(SECOND), STORY)
    timeline.add(extraction(THIRD), STORY)
    entries = timeline.entries(STORY)
    assert [e.date for e in entries] == ["2025-06-01", "2025-06-03"]
    tuesday = entries[1]
    assert {c.outlet for c in tuesday.sources} == {"Bellmoor Bugle", "Harbour Courier"}
    restored = Timeline.from_state(json.loads(json.dumps(timeline.to_state())))
    assert restored.entries(STORY) == entries


def test_event_date_prefers_the_event_over_the_publication_day() -> None:
    claim = next(c for c in extraction(FIRST).claims if c.when)
    assert event_date(claim, "2025-06-02") == "2025-06-01"


def test_every_value_and_event_cites_offsets_into_its_document() -> None:
    articles = (FIRST, SECOND, THIRD, FOURTH, FIFTH, WIRE, AREA)
    extractions = {extraction(a).document.id: extraction(a) for a in articles}
    stories, facts, timeline = StoryIndex(), FactIndex(), Timeline()
    for found in extractions.values():
        facts.add(found, STORY)
        timeline.add(found, STORY)
    stories.stories[STORY] = _story(list(extractions))
    briefing = brief([STORY], stories, facts, extractions, timeline)
    story = briefing.stories[0]
    assert story.facts and story.timeline and story.people
    for value in (v for f in story.facts for v in f.values):
        assert value.sources
        for c in value.sources:
            assert extractions[c.document].document.body[c.start : c.end] == c.quote
    for entry in story.timeline:
        assert entry.sources
        for c in entry.sources:
            assert extractions[c.document].document.body[c.start : c.end] == c.quote
    assert problems(briefing, {d: e.document for d, e in extractions.items()}) == []
    assert [f.label for f in story.contradictions] == []  # the 120 was overtaken by the 63


def test_brief_lists_people_orders_key_figures_and_renders() -> None:
    from newsledger.report import render

    articles = (FIRST, SECOND, THIRD)
    extractions = {extraction(a).document.id: extraction(a) for a in articles}
    facts, stories = FactIndex(), StoryIndex()
    for found in extractions.values():
        facts.add(found, STORY)
    stories.stories[STORY] = _story(list(extractions))
    briefing = brief([STORY], stories, facts, extractions)
    story = briefing.stories[0]
    # the most central headline: the one sharing most words with the others
    assert story.title == THIRD[2].split("\n")[0][:60]
    assert story.facts[0].label.startswith("Missing")  # two independent origins
    assert [f.label.split(" (")[0] for f in story.contradictions] == ["Missing"]
    agency = next(p for p in story.people if p.name == "Ostvale Emergency Agency")
    assert len(agency.claims) == 4
    text = render(briefing, "md")
    assert story.facts[0].label in text and "disputed" in text


def test_brief_shows_the_changes_it_is_given_under_their_story() -> None:
    extractions = {extraction(a).document.id: extraction(a) for a in (FIRST, SECOND)}
    facts, stories = FactIndex(), StoryIndex()
    facts.add(extraction(FIRST), STORY)
    changes = facts.add(extraction(SECOND), STORY)
    stories.stories[STORY] = _story(list(extractions))
    elsewhere = replace(changes[0], story="another story")
    after = brief([STORY], stories, facts, extractions, changes=[*changes, elsewhere])
    assert after.stories[0].changes == tuple(changes)
    kinds = [c.kind for c in after.stories[0].changes]
    assert kinds.count("new_value") == 2
    assert "status_changed" in kinds and "new_source" in kinds


def _story(document_ids: list[str]) -> object:
    from newsledger.reconcile.stories import Story

    return Story(id=STORY, number=0, documents=document_ids, size=len(document_ids))


def test_who_said_what_lists_joint_speakers_and_leaves_a_relay_under_its_source() -> None:
    from newsledger.reconcile.brief import people

    body = (
        "Reuters, citing the Ostvale Emergency Agency, reported that 40 people were missing.\n"
        "The Pentagon and the State Department both said that the road had reopened."
    )
    found = extraction(("Ostvale Gazette", "2025-06-02", body))
    speakers = {p.name: len(p.claims) for p in people([found], Actors())}
    # Reuters' copy is the agency's claim; a joint statement is each speaker's, one sentence
    assert speakers == {"Ostvale Emergency Agency": 1, "Pentagon": 1, "State Department": 1}
