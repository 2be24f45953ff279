"""Independent origins of claims, and actors merged across the documents of a story.

Corroboration must count who first said a thing, not how many pages repeat it: a wire story run
by five outlets is one report, and "Yonhap, citing the NIS" and "Reuters, citing South Korea's
spy agency" are both the NIS. This module decides, for each claim, its **origin**:

1. **A named source** (``claim.source`` with a canonical name, not unnamed): the source's name,
   merged with the other names of the same actor in the story (:class:`Actors`). When the named
   source is a medium ("Yonhap reported ...") and the claim text says whom it cites ("citing the
   NIS", "quoting officials of X"), the cited actor is the origin: a citation chain collapses to
   its end.
2. **An unnamed source or an agentless claim** ("a US official said", "it is estimated"): the
   publishing origin of the document (below), marked ``unnamed source via ...``: nobody can tell
   whether two outlets' unnamed officials are the same people, so they never count twice for
   one document's origin, and never as a named actor. A bare body ("police said", "the army
   said") is the exception: nobody is named, but in one story it is one body, so it is one
   origin however many outlets quote it.
3. **The outlet's own statement** (no source, no cue): the publishing origin of the document.

The **publishing origin** of a document is, in order: the publishing origin of the document it
is a copy of (``duplicate_of``, linked at ingest: a syndicated copy is the same report); the
wire agency its dateline credits ("SALLOW CROSS, March 11 (NPA) -"); the outlet.

**Actors** (:class:`Actors`, one per story) go beyond the curated table of
:mod:`newsledger.extract.aliases`, which is applied first:

- titles and honorifics are dropped ("Superintendent Owen Tallis", "Ms Ondrasek");
- a surname alone is the story's one person with that surname ("Ondrasek" is Marguerite
  Ondrasek), in whichever order the two forms arrive;
- spellings of one name of the same kind merge by rapidfuzz ratio ("Volodymyr Zelenskyy" and
  "Volodymyr Zelensky"), the surnames having to match as well, so "Kim Jong Un" never becomes
  "Kim Jong Gyu";
- "X's office", "the office of X" and "the governor's office" (with Governor X named in the
  story) are X's office, a government actor of its own: an office speaks for its head but is
  not the person.

Every merge is kept as a :class:`Merge` (the name, what it became, and why) so a briefing can
list them. The whole state is plain data (``to_state``/``from_state``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import PurePath
from typing import Any
from urllib.parse import urlparse

from rapidfuzz import fuzz, process

from newsledger.extract import aliases
from newsledger.model import Claim, Document, Entity, Extraction

#: rapidfuzz ``ratio`` (0-100) at which two spellings of a name of one kind are one actor.
FUZZY_THRESHOLD = 90
#: The same for the surnames of two person names (both must agree).
SURNAME_THRESHOLD = 80

_OFFICE_OF = re.compile(r"^(?:the\s+)?office\s+of\s+(.+)$", re.IGNORECASE)
_POSSESSIVE_OFFICE = re.compile(r"^(?:the\s+)?(.+?)['’]s?\s+(?:presidential\s+)?office$", re.I)
_CITING = re.compile(
    r"\b(?:citing|quoting|cited|according to|as reported by)\s+(?:the\s+)?", re.IGNORECASE
)
_DATELINE_WIRE = re.compile(
    r"^\s*[A-Z][A-Za-z .'’\-]{1,40}(?:,[^()\n]{1,40})?\s*\(([A-Za-z][A-Za-z.\-]{1,24})\)\s*[-–—:]"
)
_ORG_KINDS = frozenset({"government", "organization", "media", "document"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII without punctuation: how names are compared (cached: names repeat)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", plain.lower()).split())


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    path = resources.files("newsledger.reconcile").joinpath("data/facts_origins.json")
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    """Titles and honorifics of ``data/facts_origins.json``."""
    return frozenset(_data()["titles"])


@lru_cache(maxsize=1)
def _spokes_roles() -> re.Pattern[str]:
    words = sorted(_data()["spokes_roles"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _bodies() -> re.Pattern[str]:
    """Every name of the curated alias table, for finding the body a spokesperson speaks for."""
    path = resources.files("newsledger.extract").joinpath("data/aliases.json")
    table = json.loads(path.read_text("utf-8"))
    names = [n for k, v in table.items() if not k.startswith("_") for n in (k, *v) if len(n) > 3]
    names.sort(key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")


def strip_titles(name: str) -> str:
    """The name without leading titles and honorifics ("Chief Superintendent Owen Tallis").

    Only leading words are dropped, and never the last word: "Mayor" alone stays "Mayor".
    """
    words = name.split()
    while len(words) > 1 and fold(words[0]).replace(" ", "") in _titles():
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Merge:
    """One name of an actor merged into another: which, into what, and why."""

    name: str
    into: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def _kind_group(kind: str | None) -> str:
    """Persons are compared with persons, bodies of any kind with bodies of any kind.

    The extractor calls one agency a government in one article and an organisation in the
    next, so the body kinds are one group; a person is never merged with a body.
    """
    return "person" if kind == "person" else "body"


@dataclass
class Actors:
    """The actors of one story: every name seen, the canonical name it stands for, and why.

    ``names`` maps each folded name to its canonical name; ``kinds`` the canonical names to
    their kind group; ``roles`` a folded role ("governor") to the one person holding it in the
    story (a role held by two people is dropped: it cannot say which).
    """

    names: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)
    speaks_for: dict[str, str] = field(default_factory=dict)

    # --- public ------------------------------------------------------------------------------

    def canonical(self, name: str) -> str:
        """The canonical name ``name`` stands for now (a later merge may have moved it)."""
        seen: set[str] = set()
        current = name
        while True:
            target = self.names.get(fold(current))
            if target is None or target == current or target in seen:
                return current
            seen.add(current)
            current = target

    def resolve(self, name: str, kind: str | None) -> str:
        """Enter a source or entity name of the story and return the actor it stands for."""
        name = _trim(name)
        if not name:
            return name
        known = self.names.get(fold(name))
        if known is not None:
            return self.canonical(known)
        target, reason = self._place(name, kind)
        self._enter(name, target, kind, reason)
        return self.canonical(target)

    def learn(self, entities: Iterable[Entity], body: str = "") -> None:
        """Note the people of a document and their roles, so later names can be resolved.

        A spokesperson named next to the body they speak for ("White House spokesperson John
        Kirby", "Pat Ryder, the Pentagon's press secretary") is noted as speaking for it:
        :meth:`origin_of` then gives the body, which is who the statement comes from.
        """
        for entity in entities:
            if entity.label != "person" or len(entity.canonical.split()) < 2:
                continue
            person = self.resolve(entity.canonical, "person")
            if entity.role:
                self._note_role(entity.role, person)
                self._note_spokesperson(entity, person, body)

    def origin_of(self, actor: str) -> str:
        """The independent origin of what ``actor`` says: the body a spokesperson speaks for,
        else the actor."""
        actor = self.canonical(actor)
        return self.canonical(self.speaks_for.get(actor, actor))

    def merges_into(self, canonical: str) -> list[Merge]:
        """The merges that ended in ``canonical`` (for a speaker's list of aliases)."""
        return [m for m in self.merges if self.canonical(m.into) == canonical]

    def to_state(self) -> dict[str, Any]:
        return {
            "names": dict(self.names),
            "kinds": dict(self.kinds),
            "roles": dict(self.roles),
            "merges": [m.to_json() for m in self.merges],
            "speaks_for": dict(self.speaks_for),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Actors:
        return cls(
            names={str(k): str(v) for k, v in state["names"].items()},
            kinds={str(k): str(v) for k, v in state["kinds"].items()},
            roles={str(k): str(v) for k, v in state["roles"].items()},
            merges=[Merge(**m) for m in state["merges"]],
            speaks_for={str(k): str(v) for k, v in state.get("speaks_for", {}).items()},
        )

    # --- placing a new name ------------------------------------------------------------------

    def _place(self, name: str, kind: str | None) -> tuple[str, str | None]:
        """The canonical a new name goes to, and the reason when it is not itself."""
        office = self._office(name)
        if office is not None:
            return office
        table = aliases.lookup(name)
        if table is not None and table != name:
            return table, "curated alias table"
        group = _kind_group(kind)
        bare = strip_titles(name) if group == "person" else name
        if bare != name:
            table = aliases.lookup(bare)
            if table is not None:
                return table, "title dropped, curated alias table"
            known = self.names.get(fold(bare))
            if known is not None:
                return known, "title dropped"
        if group == "person" and len(bare.split()) == 1:
            full = self._full_name(bare)
            if full is not None:
                return full, f"surname of {full}"
        short = self._short_form(bare, group)
        if short is not None:
            return short, f"short form of {short}"
        fuzzy = self._fuzzy(bare, group)
        if fuzzy is not None:
            return fuzzy
        if bare != name:
            return bare, "title dropped"
        return name, None

    def _office(self, name: str) -> tuple[str, str | None] | None:
        """'Office of X' for the ways news names a person's office, else ``None``."""
        match = _OFFICE_OF.match(name) or _POSSESSIVE_OFFICE.match(name)
        if match is None:
            return None
        table = aliases.lookup(name)
        if table is not None:
            return table, "curated alias table"
        holder = strip_titles(match.group(1).strip())
        person = self.roles.get(fold(holder)) or self.roles.get(fold(match.group(1)))
        if person is None:
            known = self.names.get(fold(holder))
            person = self.canonical(known) if known else holder
        target = f"Office of {person}"
        return target, (None if target == name else f"the office of {person}")

    def _full_name(self, surname: str) -> str | None:
        """The story's one person whose last name is ``surname``, if exactly one."""
        key = fold(surname)
        found = {
            self.canonical(c)
            for c, group in self.kinds.items()
            if group == "person" and len(c.split()) > 1 and fold(c.split()[-1]) == key
        }
        return found.pop() if len(found) == 1 else None

    def _short_form(self, name: str, group: str) -> str | None:
        """A lower-case generic name ("police", "the ministry") for the story's one body whose
        name ends in that word (Kaldmoor Provincial Police): how news refers back to it."""
        if group != "body" or name != name.lower() or len(name.split()) > 2:
            return None
        word = fold(name).split()[-1:]
        if not word:
            return None
        found = {
            self.canonical(c)
            for c, g in self.kinds.items()
            if g == "body" and len(c.split()) > 1 and fold(c).split()[-1] == word[0]
        }
        return found.pop() if len(found) == 1 else None

    def _fuzzy(self, name: str, group: str) -> tuple[str, str] | None:
        """The closest known canonical of the same kind group, when close enough."""
        pool = [c for c, g in self.kinds.items() if g == group and self.canonical(c) == c]
        if not pool:
            return None
        key = fold(name)
        best = process.extractOne(key, [fold(c) for c in pool], scorer=fuzz.ratio)
        if best is None or best[1] < FUZZY_THRESHOLD:
            return None
        other = pool[best[2]]
        if group == "person" and not _same_surname(name, other):
            return None
        return other, f"spelling of {other} (rapidfuzz {best[1]:.0f})"

    def _enter(self, name: str, target: str, kind: str | None, reason: str | None) -> None:
        self.names[fold(name)] = target
        self.names.setdefault(fold(target), target)
        group = _kind_group(kind)
        self.kinds.setdefault(target, group)
        if reason and fold(name) != fold(target):
            self.merges.append(Merge(name, target, reason))
        if group == "person" and len(target.split()) > 1:
            self._absorb_surname(target)

    def _absorb_surname(self, full: str) -> None:
        """A full name arriving after its surname alone: the surname joins it now."""
        surname = full.split()[-1]
        key = fold(surname)
        single = self.names.get(key)
        if single is None or self.canonical(single) != single or single == full:
            return
        if self.kinds.get(single) != "person" or len(single.split()) != 1:
            return
        if self._full_name(surname) == full:
            self.names[key] = full
            self.merges.append(Merge(single, full, f"surname of {full}"))

    def _note_spokesperson(self, entity: Entity, person: str, body: str) -> None:
        """Note the body named next to a spokesperson (same line, just before or after)."""
        if person in self.speaks_for or not body or not _spokes_roles().search(entity.role or ""):
            return
        line_start = body.rfind("\n", 0, entity.start) + 1
        before = list(_bodies().finditer(body[max(line_start, entity.start - 60) : entity.start]))
        after = list(_bodies().finditer(body[entity.end : entity.end + 50].split("\n")[0]))
        near = before[-1] if before else (after[0] if after else None)
        if near is None:
            return
        name = self.resolve(aliases.canonical(near.group(0)), "government")
        self.speaks_for[person] = name
        self.merges.append(Merge(person, name, f"speaks for {name} ({entity.role})"))

    def _note_role(self, role: str, person: str) -> None:
        key = fold(role)
        if not key:
            return
        held = self.roles.get(key)
        if held is None:
            self.roles[key] = person
        elif held != person:
            self.roles[key] = ""  # two holders: the role no longer names anyone


def _trim(name: str) -> str:
    """A source name without what the extractor let run on ("provincial planning office,
    including about 1,200 homes") or a leading article."""
    name = re.split(r",|\s[–—-]\s|\(", name, maxsplit=1)[0].strip()
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE) if name[:4].lower() == "the " else name


def _same_surname(a: str, b: str) -> bool:
    last_a, last_b = fold(a).split()[-1:], fold(b).split()[-1:]
    if not last_a or not last_b:
        return False
    return fuzz.ratio(last_a[0], last_b[0]) >= SURNAME_THRESHOLD


# --- publishing origins ----------------------------------------------------------------------


def outlet_name(document: Document) -> str:
    """The outlet's name, else its web host, else a name made from the document id."""
    if document.outlet:
        return document.outlet
    host = urlparse(document.url or document.provenance.input or "").hostname
    if host:
        return host.removeprefix("www.")
    if document.provenance.input:
        return f"unknown outlet ({PurePath(document.provenance.input).name})"
    return f"unknown outlet ({document.id[:8]})"


def wire_agency(extraction: Extraction) -> str | None:
    """The agency the dateline credits ("SALLOW CROSS, March 11 (NPA) -"), if any.

    The tag is given the name of a media entity of the document that it abbreviates or names
    (NPA is the Northline Press Agency named further down), else kept as written.
    """
    match = _DATELINE_WIRE.match(extraction.document.body[:160])
    if match is None:
        return None
    tag = match.group(1)
    for entity in extraction.entities:
        if entity.label != "media":
            continue
        name = entity.canonical or entity.text
        initials = "".join(w[0] for w in name.split() if w[:1].isupper())
        if fold(tag) in (fold(name), fold(initials)):
            return aliases.canonical(name)
    return aliases.canonical(tag)


def publishing_origin(extraction: Extraction, copies: Mapping[str, str]) -> str:
    """Who a document's own statements come from: its original's origin, the wire, the outlet.

    ``copies`` maps document ids already seen to their publishing origin, so a copy takes its
    original's without the original being re-read.
    """
    original = extraction.document.duplicate_of
    if original and original in copies:
        return copies[original]
    return wire_agency(extraction) or outlet_name(extraction.document)


def cited_actor(claim: Claim, entities: Iterable[Entity]) -> Entity | None:
    """The actor a medium's claim cites ("Yonhap, citing the NIS"), when the text says so.

    Only a person, government or organisation named right after "citing", "quoting" or
    "according to" inside the claim counts: a citation chain ends there.
    """
    for match in _CITING.finditer(claim.text):
        at = claim.start + match.end()
        for entity in entities:
            if entity.label in ("person", "government", "organization", "military") and (
                at <= entity.start <= at + 30
            ):
                return entity
    return None


def claim_origin(
    claim: Claim, extraction: Extraction, actors: Actors, publisher: str
) -> tuple[str | None, str]:
    """The claim's source (canonical, merged) and its independent origin; see the module doc.

    ``publisher`` is the document's publishing origin. The source is ``None`` for the outlet's
    own and unnamed claims.
    """
    source = claim.source
    if source is not None and source.kind != "unnamed" and source.canonical:
        kind: str = source.kind
        name = source.canonical
        if kind == "media":
            cited = cited_actor(claim, extraction.entities)
            if cited is not None:
                name = cited.canonical or cited.text
                kind = "person" if cited.label == "person" else "government"
        actor = actors.resolve(name, kind)
        return actor, actors.origin_of(actor)
    body = aliases.bare_body(source.text) if source is not None else None
    if body is not None:  # "the army said" in two outlets of one story: the one army
        actor = actors.resolve(body, "government")
        return actor, actors.origin_of(actor)
    if source is not None or claim.cue is not None:
        return None, f"unnamed source via {publisher}"
    return None, publisher
