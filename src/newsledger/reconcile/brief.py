"""Brief: the "What we know" of each story, from the story, fact and timeline indexes.

:func:`brief` assembles one :class:`~newsledger.model.StoryBrief` per story and returns the
:class:`~newsledger.model.Briefing` the renderers (:func:`newsledger.report.render`) and the JSON
contract take. It reads the indexes and the stories' extractions; it changes nothing.

What goes in, and why:

- **Title**: the headline of the story's earliest dated document (the first report names the
  event), else of its first document, else its most named entities.
- **Facts**: key figures first, by the number of independent origins behind them, then of
  readings, then of outlets: what many independent parties report is what a reader needs first.
- **Timeline**: the story's dated events (:mod:`newsledger.reconcile.timeline`), built from the
  extractions when no incremental timeline is passed.
- **People**: one speaker per source, under the actor name the story's merges give it, with the
  other names it was reported under and every claim as a citation, most quoted first.
- **Contradictions**: the disputed facts.
- **Changes**: those passed in: the store's change log (:mod:`newsledger.pipeline` picks the
  entries since the last briefing, or since a date), the same record ``watch`` and ``changes``
  report.

Every value and every timeline entry must carry a citation with offsets into its document; a
briefing that breaks this is refused (:func:`problems` says where), since a line without a source
is what the briefing exists to prevent.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from newsledger.model import (
    Briefing,
    Change,
    Citation,
    Document,
    Extraction,
    Fact,
    Speaker,
    StoryBrief,
    TimelineEntry,
)
from newsledger.reconcile.facts import FactIndex, independent
from newsledger.reconcile.origins import Actors, outlet_name
from newsledger.reconcile.stories import StoryIndex
from newsledger.reconcile.timeline import Timeline

#: The stories' extractions, by document id: a mapping, or a loader that returns those of many
#: ids at once (:meth:`newsledger.store.Store.extractions`: a story is read in bulk).
Extractions = Mapping[str, Extraction] | Callable[[Sequence[str]], Mapping[str, Extraction]]


def brief(
    story_ids: Iterable[str] | None,
    stories: StoryIndex,
    facts: FactIndex,
    extractions: Extractions,
    timeline: Timeline | None = None,
    *,
    changes: Sequence[Change] = (),
    generated: str | None = None,
) -> Briefing:
    """The briefing of ``story_ids`` (every story of ``stories`` when ``None``).

    ``changes``: what changed, as the store's change log recorded it when the documents arrived
    (since the last briefing, or since a date: the caller chooses), each shown in its story.
    """
    ids = list(stories.stories) if story_ids is None else list(story_ids)
    briefs = []
    for story_id in ids:
        story = stories.stories.get(story_id)
        if story is None:
            continue
        found = _load(extractions, story.documents)
        docs = sorted((found[d] for d in story.documents if d in found), key=_document_order)
        item = story_brief(story_id, docs, facts, timeline)
        briefs.append(_with_changes(item, [c for c in changes if c.story == story_id]))
    result = Briefing(generated or datetime.now(UTC).isoformat(timespec="seconds"), tuple(briefs))
    found_problems = problems(result, {d.id: d for s in result.stories for d in s.documents})
    if found_problems:
        raise ValueError("briefing without sources: " + "; ".join(found_problems[:5]))
    return result


def story_brief(
    story_id: str,
    extractions: Sequence[Extraction],
    facts: FactIndex,
    timeline: Timeline | None = None,
) -> StoryBrief:
    """One story's brief from its extractions (publication order) and the indexes."""
    documents = tuple(e.document for e in extractions)
    story_facts = sorted(facts.facts(story_id), key=_importance)
    return StoryBrief(
        id=story_id,
        title=_title(extractions),
        documents=documents,
        facts=tuple(story_facts),
        timeline=tuple(_timeline(story_id, extractions, timeline)),
        people=tuple(people(extractions, facts.actors(story_id))),
        contradictions=tuple(f for f in story_facts if f.status == "disputed"),
    )


# --- parts -----------------------------------------------------------------------------------


def _load(extractions: Extractions, ids: Sequence[str]) -> Mapping[str, Extraction]:
    return extractions(ids) if callable(extractions) else extractions


def _document_order(extraction: Extraction) -> tuple[bool, str]:
    value = extraction.document.published.value
    return value is None, value or ""


def _importance(fact: Fact) -> tuple[int, int, int, str]:
    """Key figures first: independent origins, then readings, then outlets."""
    mentions = [
        {
            "origin": c.origin,
            "certainty": c.certainty,
            "vague": v.vague,
            "source": c.source,
            "document": c.document,
        }
        for v in fact.values
        for c in v.sources
    ]
    first = min((v.as_of for v in fact.values if v.as_of), default="")
    return (-len(independent(mentions)), -len(fact.values), -len(fact.outlets), first)


#: Headlines each one is compared with when choosing the story's title (all of them up to
#: twice this many).
TITLE_SAMPLE = 300


def _title(extractions: Sequence[Extraction]) -> str:
    """The most central headline (sharing most words with the others; the earliest on a tie),
    else the most named entities.

    The first report of an event often leads with a side issue ("Kremlin denies ..."); the
    headline most like the others names what the story is about.
    """
    titles = [str(e.document.title) for e in extractions if e.document.title]
    if titles:
        words = [_title_words(t) for t in titles]
        # Each headline is compared with at most TITLE_SAMPLE others, spread evenly over the
        # story's time: every pair of a 1,500-report story was seconds of a briefing.
        step = max(1, len(words) // TITLE_SAMPLE)
        sample = list(enumerate(words))[::step]

        def centrality(i: int) -> float:
            return sum(
                len(words[i] & other) / (len(words[i] | other) or 1)
                for j, other in sample
                if j != i
            )

        best = max(range(len(titles)), key=lambda i: (centrality(i), -i))
        return titles[best]
    names = Counter(
        entity.canonical for e in extractions for entity in e.entities if entity.label != "place"
    )
    top = [name for name, _ in names.most_common(3)]
    return ", ".join(top) if top else "Untitled story"


def _title_words(title: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", title.lower()) if w not in _TITLE_STOP}


_TITLE_STOP = frozenset(
    ["the", "and", "for", "with", "from", "that", "this", "says", "said", "after", "over", "into"]
)


def _timeline(
    story_id: str, extractions: Sequence[Extraction], timeline: Timeline | None
) -> list[TimelineEntry]:
    if timeline is not None:
        return timeline.entries(story_id)
    fresh = Timeline()
    for extraction in extractions:
        fresh.add(extraction, story_id)
    return fresh.entries(story_id)


def people(extractions: Iterable[Extraction], actors: Actors) -> list[Speaker]:
    """Who said what: one speaker per actor (merged names), most quoted first.

    The story's actors are copied, not changed: a briefing only reads the indexes.
    """
    names = Actors.from_state(actors.to_state())
    speakers: dict[str, dict[str, Any]] = {}
    for extraction in extractions:
        document = extraction.document
        seen: set[tuple[str, int, int]] = set()
        #: who each cue was first attributed to: a medium's second claim on the same cue is its
        #: copy of someone else's ("Reuters, citing the NIS, reported…"), listed under the NIS
        cues: dict[tuple[int, int], str] = {}
        for claim in extraction.claims:
            source = claim.source
            if source is None or source.kind == "unnamed" or not source.canonical:
                continue
            name = names.resolve(source.canonical, source.kind)
            cue = (claim.cue.start, claim.cue.end) if claim.cue else (claim.start, claim.end)
            first = cues.setdefault(cue, name)
            if (name, claim.start, claim.end) in seen or (source.kind == "media" and first != name):
                continue
            seen.add((name, claim.start, claim.end))
            entry = speakers.setdefault(name, {"kind": source.kind, "aliases": [], "claims": []})
            entry["aliases"].extend(a for a in (source.canonical, source.text) if a != name)
            entry["claims"].append(
                Citation(
                    document=document.id,
                    outlet=outlet_name(document),
                    published=document.published.value,
                    source=name,
                    start=claim.start,
                    end=claim.end,
                    quote=document.body[claim.start : claim.end],
                    url=document.url,
                    origin=names.origin_of(name),
                    certainty=claim.certainty,
                )
            )
    out = []
    for name, entry in speakers.items():
        merged = [m.name for m in names.merges_into(name)]
        aliases = tuple(dict.fromkeys(a for a in [*merged, *entry["aliases"]] if a != name))
        out.append(Speaker(name, entry["kind"], aliases, tuple(entry["claims"])))
    return sorted(out, key=lambda s: (-len(s.claims), s.name))


# --- changes ---------------------------------------------------------------------------------


def _with_changes(story: StoryBrief, changes: Sequence[Change]) -> StoryBrief:
    if not changes:
        return story
    return StoryBrief(
        story.id,
        story.title,
        story.documents,
        story.facts,
        story.timeline,
        story.people,
        story.contradictions,
        tuple(story.changes) + tuple(changes),
    )


# --- the rule: every line has a source -------------------------------------------------------


def problems(briefing: Briefing, documents: Mapping[str, Document]) -> list[str]:
    """Every value or timeline entry without a citation, and every citation whose offsets do not
    fall inside its document's body (checked where the document is at hand)."""
    found: list[str] = []
    for story in briefing.stories:
        for fact in story.facts:
            for value in fact.values:
                found += _check(f"{fact.label}: {value.text}", value.sources, documents)
        for entry in story.timeline:
            found += _check(f"event {entry.date}", entry.sources, documents)
    return found


def _check(what: str, sources: Sequence[Citation], documents: Mapping[str, Document]) -> list[str]:
    if not sources:
        return [f"{what} has no citation"]
    out = []
    for citation in sources:
        document = documents.get(citation.document)
        if not 0 <= citation.start < citation.end:
            out.append(f"{what}: citation without offsets")
        elif document is not None and citation.end > len(document.body):
            out.append(f"{what}: offsets beyond the body of {citation.document[:12]}")
    return out
