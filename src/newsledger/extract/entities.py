"""Named entities: the model's mentions, corrected, labelled for news, with canonical names."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from newsledger.model import Entity, EntityLabel

_LABELS: dict[str, EntityLabel] = {
    "PERSON": "person",
    "ORG": "organization",
    "NORP": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}


def add_entity_ruler(nlp: Language) -> None:
    """Our corrections after the model's NER (filled in by the entities work)."""
    nlp.add_pipe("entity_ruler", after="ner", config={"overwrite_ents": True})


def find_entities(doc: Doc) -> list[Entity]:
    """People, organisations and places of a parsed body, each with its canonical name."""
    return [
        Entity(ent.text, ent.start_char, ent.end_char, _LABELS[ent.label_], ent.text)
        for ent in doc.ents
        if ent.label_ in _LABELS
    ]
