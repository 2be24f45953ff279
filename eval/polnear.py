"""Attribution accuracy on the PolNeAR dev split, beside a naive speech-verb baseline.

PolNeAR (Newell, Margolin & Ruths, LREC 2018) annotates political news with Source, Cue and
Content spans joined into attribution relations (BRAT standoff). There is no official scorer; we
use the metrics of BBC citron so the figures read against its PARC 3.0 model card:

* exact match: a predicted span equals a gold span (all its fragments, whitespace-trimmed);
  P, R and F1 are counted over the spans of each type, per article;
* overlap: token level, P = predicted tokens that are gold tokens of the same type / predicted
  tokens, R = gold tokens that are predicted / gold tokens (tokens are ``\\w+`` runs and single
  punctuation marks, so the count does not depend on either tokenizer);
* whole attributions: correct when cue and content match exactly and the source matches, or
  both sides have none; "whole overlap" pools the tokens of all three roles, as citron does.

Claims that share one cue span are one attribution to us (a split quote is returned as one claim
per stretch of text, a joint statement as one claim per speaker), so predictions are grouped by
cue before scoring, their contents and sources pooled. The two articles that all
six annotators did are scored against the lexicographically first annotator suffix. The test
split is held back for independent evaluation, and no PolNeAR text is copied anywhere.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Token

from newsledger.extract.attribution import find_attributions
from newsledger.extract.entities import find_entities
from newsledger.extract.nlp import parse
from newsledger.model import Claim

HERE = Path(__file__).parent

Fragment = tuple[int, int]
SpanKey = tuple[Fragment, ...]
ROLES = ("source", "cue", "content")
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Attribution:
    """One relation, gold or predicted: each role a tuple of (start, end) fragments."""

    source: SpanKey | None
    cue: SpanKey
    content: SpanKey

    def role(self, name: str) -> SpanKey | None:
        value: SpanKey | None = getattr(self, name)
        return value


@dataclass(frozen=True)
class Article:
    """One article with the annotation scored: ``annotations`` tells how many there were."""

    name: str
    annotator: str
    annotations: int
    text: str
    gold: tuple[Attribution, ...]


# --- reading the corpus --------------------------------------------------------------------------


def _fragments(offsets: str, text: str) -> SpanKey:
    """BRAT ``start end;start end`` offsets, each fragment trimmed of surrounding whitespace."""
    out = []
    for part in offsets.split(";"):
        start, end = (int(x) for x in part.split())
        out.append(_strip(text, start, end))
    return tuple(sorted(f for f in out if f[0] < f[1]))


def _strip(text: str, start: int, end: int) -> Fragment:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def read_ann(ann: str, text: str) -> list[Attribution]:
    """The attribution relations (E lines) of one .ann file; extra roles (Content2) are merged."""
    spans: dict[str, SpanKey] = {}
    relations: list[dict[str, str]] = []
    for line in ann.splitlines():
        if line.startswith("T"):
            tid, middle, _ = line.split("\t", 2)
            _, offsets = middle.split(" ", 1)
            spans[tid] = _fragments(offsets, text)
        elif line.startswith("E"):
            _, args = line.split("\t", 1)
            relations.append(dict(arg.split(":", 1) for arg in args.split()))
    out = []
    for rel in relations:
        roles: dict[str, list[Fragment]] = defaultdict(list)
        for key, tid in rel.items():
            base = key.rstrip("0123456789").lower()
            if base in ROLES and tid in spans:
                roles[base].extend(spans[tid])
        if not roles["cue"]:
            continue
        source = tuple(sorted(roles["source"])) or None
        out.append(
            Attribution(source, tuple(sorted(roles["cue"])), tuple(sorted(roles["content"])))
        )
    return out


def load_split(root: Path) -> list[Article]:
    """Every article of a split with one annotation: the lexicographically first annotator's."""
    articles = []
    for txt in sorted((root / "text").glob("*.txt")):
        anns = sorted(
            p
            for p in (root / "attributions").glob(f"{txt.stem}_*.ann")
            if p.stem.rsplit("_", 1)[0] == txt.stem
        )
        if not anns:
            continue
        text = txt.read_text(encoding="utf-8")
        gold = read_ann(anns[0].read_text(encoding="utf-8"), text)
        annotator = anns[0].stem.rsplit("_", 1)[1]
        articles.append(Article(txt.stem, annotator, len(anns), text, tuple(gold)))
    return articles


# --- systems -------------------------------------------------------------------------------------


def ours(doc: Doc) -> list[Attribution]:
    """newsledger: ``find_attributions`` over ``find_entities``, claims grouped by cue."""
    return from_claims(find_attributions(doc, find_entities(doc)), doc.text)


def from_claims(claims: Iterable[Claim], text: str) -> list[Attribution]:
    grouped: dict[Fragment, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.cue is not None:
            grouped[(claim.cue.start, claim.cue.end)].append(claim)
    out = []
    for cue, parts in sorted(grouped.items()):
        # a joint statement is one claim per speaker: their spans together are its source
        spans = {_strip(text, c.source.start, c.source.end) for c in parts if c.source is not None}
        source = tuple(sorted(spans)) if spans else None
        content = tuple(sorted({_strip(text, c.content.start, c.content.end) for c in parts}))
        out.append(Attribution(source, (_strip(text, *cue),), content))
    return out


_BASELINE_VERBS = {"said", "says", "told"}


def baseline(doc: Doc) -> list[Attribution]:
    """The naive rule: 'said/says/told' as a verb; source = its nsubj subtree, content = its
    ccomp subtree, else the rest of the sentence after the verb (else before the source)."""
    out = []
    for tok in doc:
        if tok.lower_ not in _BASELINE_VERBS or tok.pos_ not in {"VERB", "AUX"}:
            continue
        subj = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        source = (_subtree(subj),) if subj is not None else None
        ccomp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        if ccomp is not None:
            content = _subtree(ccomp)
        else:
            sent = tok.sent
            taken = {t.i for t in subj.subtree} if subj is not None else set()
            taken.add(tok.i)
            after = [t for t in sent if t.i > tok.i and t.i not in taken and not t.is_punct]
            before = [t for t in sent if t.i < tok.i and t.i not in taken and not t.is_punct]
            rest = after or before
            if not rest:
                continue
            content = (rest[0].idx, rest[-1].idx + len(rest[-1].text))
        cue = (tok.idx, tok.idx + len(tok.text))
        out.append(Attribution(source, (cue,), (content,)))
    return out


def _subtree(tok: Token) -> Fragment:
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)


# --- scoring -------------------------------------------------------------------------------------


@dataclass
class Counts:
    """Exact-match and token-overlap tallies of one span type, summed over articles."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0
    tp_gold: int = 0
    overlap_pred: int = 0
    tokens_pred: int = 0
    overlap_gold: int = 0
    tokens_gold: int = 0

    def scores(self) -> dict[str, dict[str, float]]:
        return {
            "exact": _prf(self.tp, self.predicted, self.tp_gold, self.gold),
            "overlap": _prf(
                self.overlap_pred, self.tokens_pred, self.overlap_gold, self.tokens_gold
            ),
        }


def _prf(hit_pred: int, n_pred: int, hit_gold: int, n_gold: int) -> dict[str, float]:
    p = hit_pred / n_pred if n_pred else 0.0
    r = hit_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def _tokens(text: str, spans: Iterable[SpanKey]) -> set[Fragment]:
    out: set[Fragment] = set()
    for key in spans:
        for start, end in key:
            out.update(
                (start + m.start(), start + m.end()) for m in _TOKEN.finditer(text[start:end])
            )
    return out


def score_article(
    text: str, gold: Sequence[Attribution], pred: Sequence[Attribution], tally: dict[str, Counts]
) -> None:
    """Adds one article's counts for each role and for whole attributions to ``tally``."""
    for role in ROLES:
        g = {k for a in gold if (k := a.role(role)) is not None and k}
        p = {k for a in pred if (k := a.role(role)) is not None and k}
        c = tally[role]
        c.tp += len(p & g)
        c.tp_gold += len(p & g)
        c.predicted += len(p)
        c.gold += len(g)
        gt, pt = _tokens(text, g), _tokens(text, p)
        c.overlap_pred += len(pt & gt)
        c.overlap_gold += len(pt & gt)
        c.tokens_pred += len(pt)
        c.tokens_gold += len(gt)
    whole = tally["whole"]
    matched = {a for a in gold if any(_same(a, b) for b in pred)}
    whole.tp += sum(1 for b in pred if any(_same(a, b) for a in gold))
    whole.tp_gold += len(matched)
    whole.predicted += len(pred)
    whole.gold += len(gold)
    gold_tokens = _role_tokens(text, gold)
    pred_tokens = _role_tokens(text, pred)
    whole.overlap_pred += len(pred_tokens & gold_tokens)
    whole.overlap_gold += len(pred_tokens & gold_tokens)
    whole.tokens_pred += len(pred_tokens)
    whole.tokens_gold += len(gold_tokens)


def _role_tokens(text: str, attributions: Sequence[Attribution]) -> set[tuple[str, Fragment]]:
    """Tokens tagged with their role, pooled over the three roles (for whole-overlap)."""
    out: set[tuple[str, Fragment]] = set()
    for role in ROLES:
        keys = [k for a in attributions if (k := a.role(role))]
        out.update((role, t) for t in _tokens(text, keys))
    return out


def _same(gold: Attribution, pred: Attribution) -> bool:
    return gold.cue == pred.cue and gold.content == pred.content and gold.source == pred.source


def evaluate(
    articles: Sequence[Article], systems: dict[str, Callable[[Doc], list[Attribution]]]
) -> dict[str, Any]:
    tallies = {name: {k: Counts() for k in (*ROLES, "whole")} for name in systems}
    seconds = dict.fromkeys(systems, 0.0)
    parse_seconds = 0.0
    for article in articles:
        started = time.perf_counter()
        doc = parse(article.text)
        parse_seconds += time.perf_counter() - started
        for name, system in systems.items():
            started = time.perf_counter()
            pred = system(doc)
            seconds[name] += time.perf_counter() - started
            score_article(article.text, article.gold, pred, tallies[name])
    result: dict[str, Any] = {
        "articles": len(articles),
        "gold_attributions": sum(len(a.gold) for a in articles),
        "chars": sum(len(a.text) for a in articles),
        "annotator_choice": "lexicographically first annotator suffix",
        "multi_annotated": {a.name: a.annotator for a in articles if a.annotations > 1},
        "parse_seconds": round(parse_seconds, 1),
    }
    for name in systems:
        result[name] = {k: c.scores() for k, c in tallies[name].items()}
        result[name]["predicted"] = tallies[name]["whole"].predicted
        result[name]["seconds"] = round(seconds[name], 2)
    return result


def main(shared: Path) -> dict[str, Any]:
    """Scores newsledger and the baseline on ``shared/datasets/polnear/dev``; the lead's
    ``eval/run.py`` calls this and stores the dict."""
    warnings.filterwarnings("ignore", message=r".*\[W036\].*")  # an empty entity ruler
    root = shared / "datasets" / "polnear" / "dev"
    if not (root / "text").is_dir():
        return {"skipped": f"{root} not found"}
    articles = load_split(root)
    return evaluate(articles, {"newsledger": ours, "baseline": baseline})


def table(result: dict[str, Any]) -> str:
    """The figures as a plain-text table, one row per system and span type."""
    lines = [
        f"PolNeAR dev: {result['articles']} articles, {result['gold_attributions']} gold "
        f"attributions; spaCy parse {result['parse_seconds']} s, newsledger "
        f"{result['newsledger']['seconds']} s (entities + attribution)",
        f"{'system':<11} {'span':<8} {'exact P':>8} {'R':>6} {'F1':>6}  {'overlap P':>9} "
        f"{'R':>6} {'F1':>6}",
    ]
    for name in ("newsledger", "baseline"):
        for role in (*ROLES, "whole"):
            e, o = result[name][role]["exact"], result[name][role]["overlap"]
            lines.append(
                f"{name:<11} {role:<8} {e['p']:>8.3f} {e['r']:>6.3f} {e['f1']:>6.3f}  "
                f"{o['p']:>9.3f} {o['r']:>6.3f} {o['f1']:>6.3f}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    args = parser.parse_args()
    found = main(args.shared)
    print(table(found) if "skipped" not in found else found["skipped"])
    print(json.dumps(found, indent=2))
