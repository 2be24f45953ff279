"""Reconcile: stories, actors, independent origins, facts and the timeline across documents.

:class:`Reconciler` keeps the three incremental indexes in step: a new document joins (or opens)
a story, its figures update that story's facts, its dated claims the story's timeline; nothing
else is recomputed. Its whole state is plain data, so the store can keep it between runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newsledger.model import Briefing, Change, Citation, Extraction
from newsledger.reconcile.brief import Extractions, brief
from newsledger.reconcile.facts import FactIndex
from newsledger.reconcile.stories import StoryIndex
from newsledger.reconcile.timeline import Timeline

__all__ = ["Placement", "Reconciler"]


@dataclass(frozen=True)
class Placement:
    """Where one document went, the stories its arrival merged, and what it changed."""

    story_id: str
    merged: tuple[str, ...]
    changes: tuple[Change, ...]


class Reconciler:
    def __init__(self, state: dict[str, Any] | None = None) -> None:
        state = state or {}
        self.stories = (
            StoryIndex.from_state(state["stories"]) if "stories" in state else StoryIndex()
        )
        self.facts = FactIndex.from_state(state["facts"]) if "facts" in state else FactIndex()
        self.timeline = (
            Timeline.from_state(state["timeline"]) if "timeline" in state else Timeline()
        )

    def placed(self, doc_id: str) -> bool:
        return self.stories.story_of(doc_id) is not None

    def size(self) -> int:
        """Documents placed so far."""
        return self.stories.size()

    def add(self, extraction: Extraction) -> Placement:
        """Place one document and update the facts and timeline of its story."""
        assignment = self.stories.assign(extraction)
        story = assignment.story_id
        for absorbed in assignment.merged:
            self.facts.merge_story(story, absorbed)
            self.timeline.merge_story(story, absorbed)
        opened = [_new_story(extraction, story)] if assignment.new else []
        changes = [
            *opened,
            *self.facts.add(extraction, story),
            *self.timeline.add(extraction, story),
        ]
        return Placement(story, assignment.merged, tuple(changes))

    def brief(
        self,
        story_ids: Iterable[str] | None,
        extractions: Extractions,
        changes: Sequence[Change] = (),
    ) -> Briefing:
        return brief(
            story_ids, self.stories, self.facts, extractions, self.timeline, changes=changes
        )

    def to_state(self) -> dict[str, Any]:
        return {
            "stories": self.stories.to_state(),
            "facts": self.facts.to_state(),
            "timeline": self.timeline.to_state(),
        }


def _new_story(extraction: Extraction, story_id: str) -> Change:
    """A story opened by this document, cited by the document's first line (its lead)."""
    document = extraction.document
    body = document.body
    start = len(body) - len(body.lstrip())
    end = body.find("\n", start)
    end = len(body) if end < 0 else end
    lead = Citation(
        document=document.id,
        outlet=document.outlet,
        published=document.published.value,
        source=None,
        start=start,
        end=end,
        quote=body[start:end],
        url=document.url,
    )
    return Change("new_story", story_id, None, None, {"title": document.title}, (lead,))
