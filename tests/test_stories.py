"""Story grouping on short articles we wrote: joins, copies, close negatives, state, edge cases.

Every article here is invented for these tests (the town of Marrowgate, its bridge and its
officials do not exist); nothing is copied from ../shared/corpus.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

import pytest

from newsledger.extract.entities import find_entities
from newsledger.extract.nlp import parse
from newsledger.model import DateInfo, Document, Extraction
from newsledger.reconcile.stories import (
    StoryAssignment,
    StoryIndex,
    StorySettings,
    entity_key,
)

BRIDGE_HERALD = (
    "Cargo ship strikes Marrowgate swing bridge, crossing closed",
    "2025-05-06",
    "A cargo ship struck the Elsby swing bridge in Marrowgate early on Tuesday, leaving the "
    "crossing closed to traffic and stranding commuters on both banks of the river.\n"
    "Harbour master Ilse Fenwick said the vessel, the Northern Tern, lost steering as it "
    "approached the bridge on a falling tide.\n"
    "Mayor Tobias Wren said engineers would inspect the bridge's pivot and deck before any "
    "decision on reopening it. Nobody was hurt, but the ship's bow was badly damaged.",
)
BRIDGE_COASTLINE = (
    "Damaged swing bridge to stay shut for a week after ship collision",
    "2025-05-07",
    "Engineers began inspecting the damaged Elsby swing bridge in Marrowgate on Wednesday, a "
    "day after the cargo ship Northern Tern rammed it.\n"
    "The bridge will stay closed for at least a week, Mayor Tobias Wren said, and a ferry will "
    "carry stranded commuters across the river in the meantime.\n"
    "The ship's owner said a steering failure caused the collision. Harbour master Ilse "
    "Fenwick said the channel had been cleared for other shipping.",
)
BRIDGE_FOLLOW_UP = (
    "Marrowgate bridge reopens to cyclists as repairs to pivot begin",
    None,
    "The Elsby swing bridge reopened to cyclists and pedestrians on Monday while repairs to "
    "the pivot damaged in the ship collision continue.\n"
    "Mayor Tobias Wren said cars would return once engineers had tested the deck, and the "
    "temporary ferry for commuters would keep running until then.",
)
MARKET = (
    "Marrowgate covered market to open on Sundays from June",
    "2025-05-09",
    "Marrowgate's covered market will open on Sundays from June, Mayor Tobias Wren said on "
    "Friday, after traders voted in favour of longer hours.\n"
    "The council expects about 40 new stalls, and harbour master Ilse Fenwick said the "
    "quayside car park would open early for shoppers.\n"
    "Traders said the change would help them compete with out-of-town stores.",
)
ORCHESTRA = (
    "Youth orchestra wins national title with programme of folk dances",
    "2025-05-08",
    "The Kestrel Youth Orchestra won the national youth music championship on Thursday with a "
    "programme of folk dances arranged by its own players.\n"
    "The conductor, Maren Ostby, said the musicians had rehearsed every weekend since January "
    "and would tour schools in the autumn.",
)

COLLISION = (
    "Ship lost steering before striking Marrowgate bridge, harbour master says",
    "2025-05-08",
    "The cargo ship Northern Tern lost steering on a falling tide and struck the Elsby swing "
    "bridge in Marrowgate, harbour master Ilse Fenwick said.\n"
    "Divers found the ship's bow plating torn open and the bridge's pivot cracked.",
)
FERRY = (
    "Free ferry for Marrowgate commuters while bridge is shut",
    "2025-05-08",
    "A temporary ferry will carry commuters across the river in Marrowgate from Thursday, "
    "Mayor Tobias Wren said.\n"
    "Fares will be free for season ticket holders and boats will run every fifteen minutes "
    "until the crossing reopens.",
)
COLLISION_AND_FERRY = (
    "Marrowgate bridge shut for repairs; free ferry runs every fifteen minutes",
    "2025-05-09",
    "The Elsby swing bridge in Marrowgate, struck by the cargo ship Northern Tern when it lost "
    "steering on a falling tide, will stay closed while its cracked pivot is repaired.\n"
    "A temporary ferry will carry commuters across the river every fifteen minutes, Mayor "
    "Tobias Wren said, with free fares for season ticket holders.",
)


@cache
def extraction(title: str, published: str | None, body: str, copy_of: str = "") -> Extraction:
    """An Extraction as the extract stage makes it: the document and its entities."""
    doc_id = hashlib.sha256((title + body + copy_of).encode()).hexdigest()
    document = Document(
        id=doc_id,
        body=body,
        title=title,
        outlet=None,
        url=None,
        path=None,
        published=DateInfo(published, "header" if published else "none"),
        duplicate_of=copy_of or None,
    )
    return Extraction(document, entities=tuple(find_entities(parse(body))))


def article(parts: tuple[str, str | None, str], copy_of: str = "") -> Extraction:
    return extraction(*parts, copy_of=copy_of)


def test_two_outlets_on_the_same_event_join_one_story() -> None:
    index = StoryIndex()
    first = index.assign(article(BRIDGE_HERALD))
    second = index.assign(article(BRIDGE_COASTLINE))
    assert first.new and not second.new
    assert second.story_id == first.story_id == article(BRIDGE_HERALD).document.id
    assert second.score >= index.settings.join
    assert any("Tobias Wren" in reason for reason in second.reasons)


def test_undated_follow_up_joins_the_dated_story() -> None:
    index = StoryIndex()
    story = index.assign(article(BRIDGE_HERALD)).story_id
    index.assign(article(BRIDGE_COASTLINE))
    follow_up = index.assign(article(BRIDGE_FOLLOW_UP))
    assert (follow_up.story_id, follow_up.new) == (story, False)


def test_a_copy_joins_its_origins_story_whatever_its_text() -> None:
    index = StoryIndex()
    origin = article(BRIDGE_HERALD)
    story = index.assign(origin).story_id
    index.assign(article(ORCHESTRA))
    # The copy's text is another story's: only the duplicate link may decide.
    copy = article(ORCHESTRA[:2] + (ORCHESTRA[2] + " ",), copy_of=origin.document.id)
    assigned = index.assign(copy)
    assert (assigned.story_id, assigned.new, assigned.score) == (story, False, 1.0)
    assert assigned.reasons == (f"copy of {origin.document.id}",)
    assert index.story_of(copy.document.id) == story


def test_same_town_and_officials_but_another_event_opens_its_own_story() -> None:
    index = StoryIndex()
    bridge = index.assign(article(BRIDGE_HERALD)).story_id
    index.assign(article(BRIDGE_COASTLINE))
    market = index.assign(article(MARKET))
    assert market.new
    assert market.story_id != bridge


def test_unrelated_article_opens_its_own_story() -> None:
    index = StoryIndex()
    index.assign(article(BRIDGE_HERALD))
    assert index.assign(article(ORCHESTRA)).new


def test_same_words_months_apart_stay_apart() -> None:
    """A generic overlap (a bridge, a ship, the mayor) months later is another event."""
    index = StoryIndex()
    first = index.assign(article(BRIDGE_HERALD))
    title, _, body = BRIDGE_COASTLINE
    later = index.assign(extraction(title + " again", "2025-11-20", body))
    assert later.new and later.story_id != first.story_id


def test_assigning_a_document_twice_changes_nothing() -> None:
    index = StoryIndex()
    first = index.assign(article(BRIDGE_HERALD))
    state = json.dumps(index.to_state(), sort_keys=True)
    again = index.assign(article(BRIDGE_HERALD))
    assert again.story_id == first.story_id and not again.new
    assert json.dumps(index.to_state(), sort_keys=True) == state


def test_state_round_trips_and_assignment_continues_identically() -> None:
    index = StoryIndex()
    index.assign(article(BRIDGE_HERALD))
    index.assign(article(ORCHESTRA))
    state = index.to_state()
    restored = StoryIndex.from_state(json.loads(json.dumps(state)))
    assert restored.to_state() == state
    rest = [article(BRIDGE_COASTLINE), article(MARKET), article(BRIDGE_FOLLOW_UP)]
    expected = [index.assign(e) for e in rest]
    got = [restored.assign(e) for e in rest]
    assert got == expected
    assert restored.to_state() == index.to_state()


def test_state_is_plain_json_data() -> None:
    index = StoryIndex()
    index.assign(article(BRIDGE_HERALD))
    state = index.to_state()
    assert json.loads(json.dumps(state)) == state
    assert state["version"] == 1
    assert {"settings", "documents", "stories", "postings", "assigned", "aliases"} <= set(state)


def test_unknown_state_version_is_refused() -> None:
    state = StoryIndex().to_state()
    state["version"] = 99
    with pytest.raises(ValueError, match="version"):
        StoryIndex.from_state(state)


def test_from_state_can_take_new_settings() -> None:
    index = StoryIndex()
    index.assign(article(BRIDGE_HERALD))
    restored = StoryIndex.from_state(index.to_state(), StorySettings(join=0.9))
    assert restored.settings.join == 0.9
    assert restored.assign(article(BRIDGE_COASTLINE)).new


@pytest.mark.parametrize(
    "body",
    ["", "   \n  ", "1 2 3 4", "the and of it was"],
    ids=["empty", "blank", "numbers", "stop-words"],
)
def test_documents_without_words_or_entities_do_not_crash(body: str) -> None:
    index = StoryIndex()
    index.assign(article(BRIDGE_HERALD))
    empty = Extraction(
        Document(
            hashlib.sha256(body.encode()).hexdigest(), body, None, None, None, None, DateInfo(None)
        )
    )
    assigned = index.assign(empty)
    assert isinstance(assigned, StoryAssignment)
    assert assigned.new
    assert index.story_of(empty.document.id) == assigned.story_id
    assert StoryIndex.from_state(index.to_state()).to_state() == index.to_state()


def test_odd_dates_are_ignored_not_fatal() -> None:
    index = StoryIndex()
    index.assign(article(BRIDGE_HERALD))
    for value in ("2025-05", "2025", "not a date"):
        title, _, body = BRIDGE_COASTLINE
        assigned = index.assign(extraction(title + value, value, body))
        assert not assigned.new


def test_spelling_variants_of_a_name_share_a_key() -> None:
    assert entity_key("Volodymyr Zelensky") == entity_key("Volodymyr Zelenskyy")
    assert entity_key("Zelenskiy") == entity_key("Zelensky")
    assert entity_key("Kim Jong Un") == entity_key("Kim Jong-un")
    assert entity_key("Ilse Fenwick") != entity_key("Tobias Wren")


def test_stories_that_arrived_apart_merge_when_a_document_bridges_them() -> None:
    """Two reports on two sides of one event open two stories; a third covering both merges them.

    The older story keeps its id; the younger one's documents now answer with it. The merge
    threshold is lowered a little because the centroids of three short reports stay thin.
    """
    index = StoryIndex(StorySettings(merge=0.15))
    collision = index.assign(article(COLLISION))
    ferry = index.assign(article(FERRY))
    assert collision.new and ferry.new
    both = index.assign(article(COLLISION_AND_FERRY))
    assert both.merged == (ferry.story_id,)
    assert both.story_id == collision.story_id
    assert index.story_of(article(FERRY).document.id) == collision.story_id
    assert ferry.story_id not in index.stories
    restored = StoryIndex.from_state(json.loads(json.dumps(index.to_state())))
    assert restored.story_of(article(FERRY).document.id) == collision.story_id
