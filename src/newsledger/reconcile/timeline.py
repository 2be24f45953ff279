"""Timeline: the dated events of a story, merged across sources, each with its citations.

An event is a claim with a resolved date of its own: "the dam gave way late on Sunday" is an
event of Sunday, whatever day the article came out. :class:`Timeline` builds each story's
entries incrementally, like the fact index: :meth:`Timeline.add` takes one extraction and its
story and returns the ``new_event`` changes.

Why it is done this way:

- **The event's own date.** The claim's first day-precise date in reading order (else its
  month): "the dam gave way late on Sunday", "police said on Thursday". A dateline's date is
  skipped, since it dates the report, not the event. A claim with no resolved date of its own is
  no event: the publication date alone would date the report, not what happened.
- **Merged across sources.** Two claims of the same date whose texts are alike (rapidfuzz
  ``token_set_ratio`` at least ``similarity``) are one event with both citations: a wire story
  run twice, or two outlets reporting the same statement. Only entries of the same date are
  compared, so the cost is bounded by one day's entries of one story.
- **Citations.** Each citation points at the claim's span in its document (``quote`` is that
  text), with the outlet, the source's name, the independent origin and the certainty, so every
  entry traces back to what was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from newsledger.model import Change, Citation, Claim, Extraction, TimelineEntry
from newsledger.reconcile.origins import (
    Actors,
    claim_origin,
    fold,
    outlet_name,
    publishing_origin,
)

STATE_VERSION = 1
JSON = dict[str, Any]


@dataclass(frozen=True)
class TimelineSettings:
    """``similarity``: rapidfuzz token_set_ratio (0-100) at which two same-day claims are one
    event; ``max_text``: characters of an entry's text (the full claim stays in its citation)."""

    similarity: int = 70
    max_text: int = 280


#: A dateline: "SALLOW CROSS, Wednesday 19 March –", "KYIV, Nov. 4 (Reuters) -".
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'’\-]{2,40},\s*[^\n–—]{0,30}?\d{1,2}[^\n–—]{0,25}?(?:\)|\s[–—-]\s)"
)


def event_date(claim: Claim, published: str | None, body: str = "") -> str | None:
    """The date of the event a claim reports (ISO day, else month), or ``None``.

    The claim's first day-precise date in reading order, a dateline's date left out (it dates
    the report: "SALLOW CROSS, Wednesday 19 March - ... opened the inquests today"); else its
    first month; a claim dated by its dateline alone takes that date.
    """
    dateline = _DATELINE.match(body)
    cut = dateline.end() if dateline else -1
    dated = [
        (t.start, t.date[:10])
        for t in claim.when
        if t.date and t.granularity in ("day", "time") and _valid(t.date[:10])
    ]
    days = [day for start, day in dated if start >= cut]
    if days:
        return days[0]
    months = [t.date[:7] for t in claim.when if t.date and t.granularity == "month"]
    if months:
        return months[0]
    return dated[0][1] if dated else None


def _valid(day: str) -> bool:
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


@dataclass
class _StoryTimeline:
    entries: list[JSON] = field(default_factory=list)  # {"date", "text", "key", "sources"}
    documents: dict[str, str] = field(default_factory=dict)  # document id -> publishing origin
    actors: Actors = field(default_factory=Actors)
    _by_date: dict[str, list[JSON]] = field(default_factory=dict, repr=False)
    _indexed: int = field(default=0, repr=False)

    def on(self, day: str) -> list[JSON]:
        """The entries of one date (an index by date, rebuilt when entries were added)."""
        if self._indexed > len(self.entries):  # entries replaced: index them again
            self._by_date.clear()
            self._indexed = 0
        for entry in self.entries[self._indexed :]:
            self._by_date.setdefault(entry["date"], []).append(entry)
        self._indexed = len(self.entries)
        return self._by_date.get(day, [])

    def to_state(self) -> JSON:
        return {
            "entries": self.entries,
            "documents": self.documents,
            "actors": self.actors.to_state(),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> _StoryTimeline:
        return cls(
            entries=[dict(e) for e in state["entries"]],
            documents={str(k): str(v) for k, v in state["documents"].items()},
            actors=Actors.from_state(state["actors"]),
        )


class Timeline:
    """Incremental timelines of every story; see the module docstring."""

    def __init__(self, settings: TimelineSettings | None = None) -> None:
        self.settings = settings or TimelineSettings()
        self._stories: dict[str, _StoryTimeline] = {}

    def add(self, extraction: Extraction, story_id: str) -> list[Change]:
        """Add the document's dated claims to the story's timeline; the new events.

        A document already added changes nothing.
        """
        story = self._stories.setdefault(story_id, _StoryTimeline())
        document = extraction.document
        if document.id in story.documents:
            return []
        publisher = publishing_origin(extraction, story.documents)
        story.documents[document.id] = publisher
        story.actors.learn(extraction.entities, document.body)
        changes: list[Change] = []
        for day, claim, citation in self._events(extraction, story, publisher):
            entry = self._match(story, day, claim.text)
            if entry is None:
                entry = {"date": day, "text": self._text(claim), "key": fold(claim.text)}
                entry["sources"] = [citation.to_json()]
                story.entries.append(entry)
                story.on(day)  # keeps the date index current
                after = {"date": day, "text": entry["text"]}
                changes.append(Change("new_event", story_id, None, None, after, (citation,)))
            elif all(s["document"] != document.id for s in entry["sources"]):
                entry["sources"].append(citation.to_json())
        return changes

    def entries(self, story_id: str) -> list[TimelineEntry]:
        """The story's entries by date (ties: the order they were first reported)."""
        story = self._stories.get(story_id)
        if story is None:
            return []
        ordered = sorted(enumerate(story.entries), key=lambda pair: (pair[1]["date"], pair[0]))
        return [
            TimelineEntry(
                e["date"], e["text"], tuple(self._citation(story, s) for s in e["sources"])
            )
            for _, e in ordered
        ]

    def merge_story(self, survivor: str, absorbed: str) -> None:
        """Fold a story the story index merged into another into its timeline."""
        gone = self._stories.pop(absorbed, None)
        if gone is None:
            return
        story = self._stories.setdefault(survivor, _StoryTimeline())
        story.entries.extend(gone.entries)
        story.documents.update(gone.documents)

    def to_state(self) -> JSON:
        """Plain data: ``version``, ``settings``, ``stories`` (story id -> ``entries``: date,
        text, folded key and citations; ``documents``: id -> publishing origin; ``actors``)."""
        return {
            "version": STATE_VERSION,
            "settings": asdict(self.settings),
            "stories": {sid: s.to_state() for sid, s in self._stories.items()},
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Timeline:
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"timeline state version {state.get('version')!r} not supported")
        timeline = cls(TimelineSettings(**state["settings"]))
        timeline._stories = {
            str(k): _StoryTimeline.from_state(v) for k, v in state["stories"].items()
        }
        return timeline

    # --- internals ----------------------------------------------------------------------------

    def _events(
        self, extraction: Extraction, story: _StoryTimeline, publisher: str
    ) -> Iterator[tuple[str, Claim, Citation]]:
        document = extraction.document
        seen: set[tuple[int, int]] = set()
        for claim in extraction.claims:
            if (claim.start, claim.end) in seen:
                continue
            day = event_date(claim, document.published.value, document.body)
            if day is None:
                continue
            seen.add((claim.start, claim.end))
            source, origin = claim_origin(claim, extraction, story.actors, publisher)
            yield (
                day,
                claim,
                Citation(
                    document=document.id,
                    outlet=outlet_name(document),
                    published=document.published.value,
                    source=source,
                    start=claim.start,
                    end=claim.end,
                    quote=document.body[claim.start : claim.end],
                    url=document.url,
                    origin=origin,
                    certainty=claim.certainty,
                ),
            )

    def _match(self, story: _StoryTimeline, day: str, text: str) -> JSON | None:
        """The entry of the same day with a similar text (only that day's entries are read)."""
        key = fold(text)
        for entry in story.on(day):
            if fuzz.token_set_ratio(key, entry["key"]) >= self.settings.similarity:
                return entry
        return None

    def _text(self, claim: Claim) -> str:
        text = " ".join(claim.text.split())
        limit = self.settings.max_text
        return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"

    def _citation(self, story: _StoryTimeline, data: Mapping[str, Any]) -> Citation:
        """A stored citation with its source and origin as the story's actors stand now."""
        citation = Citation(**data)
        if citation.source is None:
            return citation
        name = story.actors.canonical(citation.source)
        origin = citation.origin
        if origin and not origin.startswith("unnamed source via "):
            origin = story.actors.origin_of(name)
        return Citation(**{**data, "source": name, "origin": origin})
