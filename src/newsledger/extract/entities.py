"""Named entities: the model's mentions, corrected for news, with a canonical name each.

The small English model truncates three-part Korean names, splits hyphenated given names, tags
places such as Kursk as products and job titles as organisations (DESIGN.md). A component after
the model's NER fixes the spans (``newsledger_entity_fixes``); :func:`find_entities` then labels
them for news (person, organization, government, military, media, place), keeps titles apart from
names, and maps later mentions ("Ryder", "NIS") to the full name used earlier in the document.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from newsledger.extract import aliases
from newsledger.extract.places import is_place
from newsledger.model import Entity, EntityLabel

#: Model labels that name an actor or a place; NORP ("North Korean") is an adjective in news
#: and is kept only as the country of a person's title.
_MODEL_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
_MISTAKEN_FOR_NAMES = frozenset({"PRODUCT", "WORK_OF_ART", "PERSON", "ORG", "NORP"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


@lru_cache(maxsize=1)
def vocab() -> dict[str, Any]:
    """The word lists in ``data/entities.json`` (data, so they grow without code changes)."""
    text = resources.files("newsledger.extract").joinpath("data/entities.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    for key, value in data.items():
        if isinstance(value, list):
            data[key] = frozenset(value)
    return data


# --- Span fixes, inside the pipeline ---------------------------------------------------------


def _name_matcher(nlp: Language) -> Matcher:
    """Token patterns for names the model cuts short."""
    matcher = Matcher(nlp.vocab)
    surname = {"LOWER": {"IN": sorted(vocab()["korean_surnames"])}, "IS_TITLE": True}
    title = {"IS_TITLE": True, "IS_ALPHA": True, "LENGTH": {"<=": 8}}
    syllable = {"IS_LOWER": True, "IS_ALPHA": True, "LENGTH": {"<=": 6}}
    hyphen = {"ORTH": "-", "SPACY": False}
    # Chun In-bum, Kim Yong-hyun: a title-case word, then a hyphenated given name.
    matcher.add(
        "HYPHENATED",
        [
            [
                {"IS_TITLE": True, "IS_ALPHA": True, "SPACY": True},
                {**title, "SPACY": False},
                hyphen,
                syllable,
            ]
        ],
    )
    # Yoon Suk Yeol, Choe Son Hui, Kim Jong Un: a Korean surname and two given-name syllables.
    matcher.add("KOREAN", [[surname, title, title]])
    return matcher


class EntityFixes:
    """Pipeline component: widen cut names, relabel places, drop title words taken for names."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = _name_matcher(nlp)

    def __call__(self, doc: Doc) -> Doc:
        korean = doc.vocab.strings["KOREAN"]
        people = [
            Span(doc, start, end, label="PERSON")
            for match_id, start, end in self.matcher(doc)
            # A surname and two title-case words is a name only where the model saw a person
            # ("Yoon Suk" of Yoon Suk Yeol), not in a headline such as "An Elusive Payday".
            if match_id != korean or any(t.ent_type_ == "PERSON" for t in doc[start:end])
        ]
        people = [s for s in people if not _inside_other_entity(s) and _looks_like_name(s)]
        named = _People.of(doc)
        fixed = [self._relabel(ent, doc, named) for ent in doc.ents]
        kept = [ent for ent in fixed if ent is not None]
        doc.ents = filter_spans([*people, *kept])
        doc.ents = [*doc.ents, *_surnames_left_out(doc)]
        return doc

    def _relabel(self, ent: Span, doc: Doc, named: _People) -> Span | None:
        if ent.label_ not in _MODEL_LABELS | _MISTAKEN_FOR_NAMES:
            return ent  # dates, times and numbers are for the other finders, untouched
        trimmed = _trim(ent)
        if trimmed is None:
            return None
        ent = trimmed
        text = ent.text
        words = vocab()
        if (
            ent.label_ in {"ORG", "PERSON", "GPE"}
            and len(ent) == 1
            and text.lower() in words["not_names"]
        ):
            return None
        if ent.label_ == "PERSON" and ent[-1].lower_.rstrip(".") in _COMPANY_SUFFIXES:
            return Span(doc, ent.start, ent.end, label="ORG")  # "HDT Védelmi Ipari Kft."
        if ent.label_ == "PERSON" and not _looks_like_name(ent):
            return _not_a_person(ent)
        if ent.label_ == "PERSON" and ent.end < len(doc) and doc[ent.end].lower_ in _PLACE_NOUNS:
            return Span(doc, ent.start, ent.end, label="GPE")  # "Maidan Wardak province"
        if ent.label_ in _MISTAKEN_FOR_NAMES and is_place(text) and not named.names(ent):
            return Span(doc, ent.start, ent.end, label="GPE")
        if (ent.label_ in {"ORG", "GPE"} and named.names(ent)) or _titled(ent):
            return Span(doc, ent.start, ent.end, label="PERSON")
        return ent


_ARTICLES = frozenset({"a", "an", "this", "that", "these", "those"})
#: the last word of a company's registered name, never of a person's
_COMPANY_SUFFIXES = frozenset(
    {"kft", "ltd", "inc", "gmbh", "llc", "plc", "corp", "ag", "bv", "nv", "sa", "spa", "oy", "ab"}
)
#: words after a name that make it a place's, whatever the model thought of the name
_PLACE_NOUNS = frozenset(
    {"province", "provincial", "district", "prefecture", "governorate", "oblast", "county"}
)


def _titled(ent: Span) -> bool:
    """An organisation or place mention that a title marks as a person's name."""
    return (ent.label_ in {"ORG", "GPE"} and _after_title(ent)) or (
        ent.label_ == "ORG" and _described_by_role(ent)
    )


def _described_by_role(ent: Span) -> bool:
    """A name the model took for an organisation but in apposition with a role ("Gáspár
    Maróth, the Hungarian Government commissioner") is a person's. Not for places: "the town
    of Sallow Cross, the governor of Kaldmoor Province said" is a parse slip, not a title."""
    roles = vocab()["personal_titles"]
    doc = ent.doc
    return any(
        t.dep_ == "appos"
        and ent.start <= t.head.i < ent.end
        and t.pos_ == "NOUN"  # a role, not a name's own word ("Penn State")
        and t.lower_ in roles
        and not _verb_at(doc, t.right_edge.i + 1)  # "…, the governor of X said": a subject
        for t in doc[ent.end : ent.end + 12]
    )


def _verb_at(doc: Doc, i: int) -> bool:
    return i < len(doc) and doc[i].pos_ in {"VERB", "AUX"}


def _surnames_left_out(doc: Doc) -> list[Span]:
    """Later mentions of a person's surname that the model did not tag ("Waseem appeared…"
    after "Mohammed Waseem"): a reader knows them as the same person. Only a title-case proper
    noun standing alone, so "Waseem Akram" or a name inside another entity stays as it is."""
    surnames = {
        ent[-1].text
        for ent in doc.ents
        if ent.label_ == "PERSON" and len(ent) > 1 and ent[-1].is_title and _looks_like_name(ent)
    }
    return [
        Span(doc, t.i, t.i + 1, label="PERSON")
        for t in doc
        if t.text in surnames
        and t.ent_iob_ == "O"
        and t.pos_ == "PROPN"
        and not _proper_neighbour(doc, t.i - 1)
        and not _proper_neighbour(doc, t.i + 1)
    ]


def _proper_neighbour(doc: Doc, i: int) -> bool:
    return 0 <= i < len(doc) and doc[i].pos_ == "PROPN" and doc[i].is_title


def _looks_like_name(ent: Span) -> bool:
    """Whether a person span can be a name.

    Not when it is made only of title words ("Air Force"), only of place names ("Kursk
    Ukraine"), or opens with an article ("An Elusive Payday", a headline fragment).
    """
    words = vocab()
    if ent[0].lower_ in _ARTICLES:
        return False
    if all(t.lower_ in words["role_words"] or not t.is_alpha for t in ent):
        return False
    return not (len(ent) > 1 and all(is_place(t.text) for t in ent if t.is_alpha))


def _not_a_person(ent: Span) -> Span | None:
    """What a span the model took for a person is instead: places, a force, or nothing."""
    doc = ent.doc
    if all(is_place(t.text) for t in ent if t.is_alpha):
        return Span(doc, ent.start, ent.end, label="GPE")
    if ent[0].lower_ not in _ARTICLES:
        return Span(doc, ent.start, ent.end, label="ORG")
    return None


def _inside_other_entity(span: Span) -> bool:
    """A pattern hit inside an organisation or place name is not a person."""
    return any(
        token.ent_type_ in {"ORG", "GPE", "FAC", "LOC"} and token.ent_iob_ != "O" for token in span
    ) and not any(token.ent_type_ == "PERSON" for token in span)


def _trim(ent: Span) -> Span | None:
    """Drop a leading article or title and a trailing possessive, so spans name only the
    entity."""
    start, end = ent.start, ent.end
    doc = ent.doc
    if end - start > 1 and doc[start].lower_ == "the":
        start += 1
    titles = vocab()["personal_titles"]
    while ent.label_ == "PERSON" and end - start > 1 and doc[start].lower_ in titles:
        start += 1  # "Superintendent Graciano Mijares": the title is the role, not the name
    while end - start > 1 and doc[end - 1].text in _POSSESSIVE:
        end -= 1
    if doc[start:end].text.strip() == "" or not any(t.is_alpha for t in doc[start:end]):
        return None
    return Span(doc, start, end, label=ent.label_)


@dataclass(frozen=True)
class _People:
    """The model's person names of one document, read once (not once per mention)."""

    texts: Counter[str]
    spans: frozenset[tuple[int, int]]
    surnames: frozenset[str]

    @classmethod
    def of(cls, doc: Doc) -> _People:
        people = [
            o for o in doc.ents if (o.label_ == "PERSON" and _looks_like_name(o)) or _titled(o)
        ]
        return cls(
            Counter(o.text for o in people),
            frozenset((o.start, o.end) for o in people),
            frozenset(o[-1].text for o in people if len(o) > 1),
        )

    def names(self, ent: Span) -> bool:
        """A mention that is another person mention's name, or the last word of a longer one."""
        itself = ent.label_ == "PERSON" and (ent.start, ent.end) in self.spans
        if self.texts[ent.text] - itself > 0:
            return True
        return len(ent) == 1 and ent.text in self.surnames


def _after_title(ent: Span) -> bool:
    """ "Gen. Ryder", "spokesman Kirby": a role word right before a one-word name."""
    if ent.start == 0 or len(ent) > 2:
        return False
    if organization_kind(ent.text) != "organization":
        return False
    return ent.doc[ent.start - 1].lower_ in vocab()["personal_titles"]


@Language.factory("newsledger_entity_fixes")
def make_entity_fixes(nlp: Language, name: str) -> EntityFixes:
    return EntityFixes(nlp)


def add_entity_ruler(nlp: Language) -> None:
    """Put our span fixes right after the model's NER."""
    nlp.add_pipe("newsledger_entity_fixes", after="ner")


# --- Labels, roles and canonical names, per document -------------------------------------------


@dataclass
class _Mention:
    span: Span
    label: EntityLabel
    role: str | None = None
    country: str | None = None
    canonical: str = ""


def _label(ent: Span) -> EntityLabel | None:
    if ent.label_ not in _MODEL_LABELS:
        return None
    if ent.label_ == "PERSON":
        return "person"
    if ent.label_ in {"GPE", "LOC", "FAC"}:
        return "place"
    return organization_kind(ent.text)


def organization_kind(name: str) -> EntityLabel:
    """Government, military, media or plain organisation, from the name's words."""
    words = vocab()
    lowered = _strip_article(name).lower()
    padded = f" {lowered} "
    if lowered in words["government_names"]:
        return "government"
    if any(f" {head} " in padded for head in words["media_heads"]):
        return "media"
    if any(f" {head} " in padded for head in words["military_heads"]):
        return "military"
    if any(f" {head} " in padded for head in words["government_heads"]):
        return "government"
    return "organization"


def _strip_article(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def _title_before(ent: Span) -> tuple[str | None, str | None]:
    """The role and country in the words just before a person's name.

    "Retired South Korean Lieutenant-General Chun In-bum" gives ("retired lieutenant-general",
    "South Korea"); the name span itself never includes them.
    """
    words = vocab()
    doc = ent.doc
    first = ent.sent.start
    role: list[str] = []
    country = None
    i = ent.start - 1
    while i >= first:
        lower = doc[i].lower_
        pair = f"{doc[i - 1].lower_} {lower}" if i > first else ""
        if pair in words["demonyms"]:
            country = words["demonyms"][pair]
            i -= 2
        elif lower in words["demonyms"]:
            country = words["demonyms"][lower]
            i -= 1
        elif lower in words["role_words"] or (lower in {"-", "of"} and role):
            role.insert(0, lower)
            i -= 1
        else:
            break
    while role and role[0] in {"-", "of"}:
        role.pop(0)
    text = " ".join(role).replace(" - ", "-") or None
    return text, country


def _canonical_people(mentions: list[_Mention]) -> None:
    """Each person mention takes the fullest name in the document that ends like it. Where two
    people share a surname ("Elijah Cummings" and his mother "Ruth Elma Cummings"), a bare
    "Cummings" is the one introduced first among those named before it: the article's subject,
    not the relative met in passing."""
    for mention in mentions:
        mention.canonical = _clean_name(mention.span.text)
    people = [m for m in mentions if m.label == "person"]
    for mention in people:
        name = mention.canonical
        words = name.split()
        longer = [
            other
            for other in people
            if len(other.canonical.split()) > len(words)
            and other.canonical.split()[-len(words) :] == words
        ]
        korean = [
            other
            for other in people
            if len(words) == 1
            and len(other.canonical.split()) > 1
            and other.canonical.split()[0] == name
            and name.lower() in vocab()["korean_surnames"]
        ]
        candidates = longer or korean
        if candidates:
            before = [c for c in candidates if c.span.start_char < mention.span.start_char]
            first = min(before or candidates, key=lambda c: c.span.start_char).canonical
            mention.canonical = max(
                (c.canonical for c in candidates if _ends_like(c.canonical, first)), key=len
            )


def _ends_like(name: str, other: str) -> bool:
    """ "Patrick Ryder" and "Maj. Gen. Patrick Ryder": one name the other ends with."""
    a, b = name.split(), other.split()
    return a[-len(b) :] == b or b[-len(a) :] == a


def _clean_name(name: str) -> str:
    """The name without editorial brackets ("[Vladimir] Putin") or a trailing possessive."""
    cleaned = " ".join(name.replace("[", " ").replace("]", " ").split())
    for mark in _POSSESSIVE:
        cleaned = cleaned.removesuffix(mark)
    return cleaned


def _abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` is an abbreviation of ``name``: "NIS" of "National Intelligence
    Service", "MOLIT" of "Ministry of Land, Infrastructure and Transport". Its letters are the
    words' initials in order, with every capitalised word's and any of the small words'."""
    words = name.replace(",", " ").split()
    if len(short) < 2 or not short.isupper() or len(words) < 2:
        return False
    capitals = "".join(w[0] for w in words if w[0].isupper())
    initials = "".join(w[0].upper() for w in words)
    spelled = _subsequence(capitals, short) and _subsequence(short, initials)
    return spelled and short[0] == initials[0]


def _subsequence(part: str, whole: str) -> bool:
    letters = iter(whole)
    return all(c in letters for c in part)


def _canonical_organizations(mentions: list[_Mention]) -> None:
    """ "NIS" after "the National Intelligence Service (NIS)" takes the long name."""
    long_names = [
        (_strip_article(m.span.text), m.label)
        for m in mentions
        if m.label not in {"person", "place"} and len(m.span) > 1
    ]
    for mention in mentions:
        name = _strip_article(mention.span.text)
        spelled = [(n, label) for n, label in long_names if _abbreviates(name, n)]
        if spelled:  # the model often takes a bare abbreviation ("MOLIT stated") for a person
            mention.canonical, mention.label = spelled[0]
        elif mention.label != "person":
            mention.canonical = name


_BRACKETED = re.compile(r"\s*\(([^()\s][^()]{0,24})\)")
_BODY = frozenset({"organization", "government", "military", "media"})


@dataclass(frozen=True)
class _Named:
    """What a short form stands for: the body's label and name, and where it was named."""

    label: EntityLabel
    canonical: str
    at: int


def _short_forms(doc: Doc, mentions: list[_Mention]) -> None:
    """A body's short forms later in the document take its name and label, whatever the model
    tagged them: one introduced in brackets ("Pacific Gas and Electric (PG&E)", "(CalFire)")
    and a lone first word ("Mahan" after "Mahan Air"), unless a person of the document bears
    that name."""
    bodies = [m for m in mentions if m.label in _BODY and len(m.canonical.split()) > 1]
    people = {t.text for m in mentions if m.label == "person" and len(m.span) > 1 for t in m.span}
    bracketed: dict[str, _Named] = {}
    firsts: dict[str, _Named] = {}
    for body in bodies:
        at = body.span.start_char
        found = _BRACKETED.match(doc.text, body.span.end_char)
        part = _shortened(found.group(1), body.canonical) if found is not None else None
        if found is not None and part is not None:
            bracketed.setdefault(found.group(1), _Named(body.label, part, at))
        first = body.span[0] if body.span[0].lower_ != "the" else body.span[1]
        if first.pos_ == "PROPN" and first.text not in people:
            firsts.setdefault(first.text, _Named(body.label, body.canonical, at))
    mentions.extend(_untagged(doc, mentions, bracketed))
    for mention in mentions:
        name = _strip_article(mention.span.text)
        named = bracketed.get(name)
        if named is None and mention.span.label_ in {"PERSON", "ORG"}:
            named = firsts.get(name)
        if named is not None and named.at < mention.span.start_char:
            mention.canonical, mention.label = named.canonical, named.label
    mentions.sort(key=lambda m: m.span.start_char)


def _shortened(short: str, name: str) -> str | None:
    """The part of ``name`` a bracketed short name stands for, if it can: its capitals are the
    initials of the name's words from some word on, in order, and that part keeps the name's
    head ("PG&E", "CalFire"; "MOLIT" after "South Korea Ministry of Land, Infrastructure and
    Transport" is the ministry; "NSW" after "Parliament of New South Wales" is no parliament)."""
    words = name.split()
    capitals = "".join(c for c in short if c.isupper())
    initials = "".join(w[0].upper() if w[0].isalpha() else "-" for w in words)
    head = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    for i in range(head + 1):
        if capitals and initials[i] == capitals[0] and _subsequence(capitals, initials[i:]):
            return " ".join(words[i:]).strip(",")
    return None


def _untagged(doc: Doc, mentions: list[_Mention], short: dict[str, _Named]) -> list[_Mention]:
    """The uses of a bracketed short name the model left untagged ("(PG&E)", "PG&E said")."""
    taken = [(m.span.start_char, m.span.end_char) for m in mentions]
    found = []
    for name, named in short.items():
        for hit in re.finditer(rf"(?<![\w&]){re.escape(name)}(?![\w&])", doc.text):
            if hit.start() < named.at:
                continue
            if any(a < hit.end() and hit.start() < b for a, b in taken):
                continue
            span = doc.char_span(hit.start(), hit.end())
            if span is not None:
                found.append(_Mention(span, named.label, canonical=named.canonical))
                taken.append((hit.start(), hit.end()))
    return found


def _offices(doc: Doc, people: dict[int, _Mention]) -> list[Entity]:
    """ "Yoon's office": an office of the person, which speaks as a government."""
    found = []
    words = vocab()
    for mention in people.values():
        end = mention.span.end
        if (
            end + 1 < len(doc)
            and doc[end].text in _POSSESSIVE
            and doc[end + 1].lower_ in words["office_words"]
        ):
            span = doc[mention.span.start : end + 2]
            found.append(
                Entity(
                    span.text,
                    span.start_char,
                    span.end_char,
                    "government",
                    f"office of {mention.canonical}",
                )
            )
    return found


def find_entities(doc: Doc) -> list[Entity]:
    """People, organisations and places of a parsed body, each with its canonical name."""
    mentions = []
    for ent in doc.ents:
        label = _label(ent)
        if label is None:
            continue
        mention = _Mention(ent, label)
        if label == "person":
            mention.role, mention.country = _title_before(ent)
        mentions.append(mention)
    _canonical_people(mentions)
    _canonical_organizations(mentions)
    _short_forms(doc, mentions)
    for mention in mentions:
        if mention.label == "place":
            mention.canonical = _strip_article(mention.span.text)
    entities = [
        Entity(
            m.span.text,
            m.span.start_char,
            m.span.end_char,
            m.label,
            m.canonical if m.label == "place" else aliases.canonical(m.canonical),
            m.role,
            m.country,
        )
        for m in mentions
    ]
    entities = _people_by_name(entities)
    people = {m.span.start: m for m in mentions if m.label == "person"}
    return sorted([*entities, *_offices(doc, people)], key=lambda e: (e.start, -e.end))


def _people_by_name(entities: list[Entity]) -> list[Entity]:
    """A mention whose canonical name is a person's is that person, whatever the model tagged:
    "Zelenskyy offered…" tagged an organisation after "Volodymyr Zelensky" is him."""
    people = {e.canonical for e in entities if e.label == "person"}
    return [
        replace(e, label="person") if e.label == "organization" and e.canonical in people else e
        for e in entities
    ]
