"""The claim gold in eval/gold/claims/ is well-formed, and eval/claims.py scores it correctly.

The scorer is checked without the extractor: a perfect prediction built from the gold must
score 1.0 and an empty one 0. Corpus offsets are checked against ../shared/corpus when it is
there (the tests that need it are skipped otherwise); no corpus text is kept here.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from newsledger.ingest import read
from newsledger.model import Document

ROOT = Path(__file__).parents[1]
GOLD_DIR = ROOT / "eval" / "gold" / "claims"
CHROME_DIR = ROOT / "eval" / "gold" / "chrome"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def _load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_claims", ROOT / "eval" / "claims.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_claims"] = module
    spec.loader.exec_module(module)
    return module


scorer = _load_scorer()
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))
GOLDS = [json.loads(path.read_text()) for path in GOLD_FILES]
CATEGORIES = ("quantities", "dates", "entities", "sources")
CERTAINTY = {"confirmed", "reported", "estimated", "speculative", "denied"}
LABELS = {"person", "organization", "government", "military", "media"}
KINDS = {"person", "organization", "government", "media", "document", "unnamed"}
GRANULARITY = {"day", "week", "month", "season", "year", "decade", "range", "time", None}
ISO = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2})?)?)?")


def ids(golds: list[dict[str, Any]]) -> list[str]:
    return [gold["id"] for gold in golds]


def test_enough_documents_in_both_splits() -> None:
    corpus = [g for g in GOLDS if g["input"].startswith("corpus/")]
    examples = [g for g in GOLDS if g["input"].startswith("examples/")]
    assert len(corpus) >= 18
    assert len(examples) == 11
    assert {g["split"] for g in GOLDS} == {
        "dev",
        "test",
        "fresh",
        "other",
        "wikinews",
        "wikinews2",
        "wikinews3",
        "wikinews4",
        "wikinews5",
        "wikinews6",
    }


def test_split_rule_every_third_document_is_test() -> None:
    """The rule fixed over the first 31 documents; the later splits were added whole."""
    later = {"fresh", "other"} | {f"wikinews{n}" for n in ("", 2, 3, 4, 5, 6)}
    first = sorted((g for g in GOLDS if g["split"] not in later), key=lambda g: g["id"])
    assert len(first) == 31
    for index, gold in enumerate(first):
        assert gold["split"] == ("test" if index % 3 == 2 else "dev"), gold["id"]


def test_fresh_split_is_unseen_corpus_articles() -> None:
    """The fresh split: the ten North Korea articles of the corpus the first gold left out."""
    fresh = [g for g in GOLDS if g["split"] == "fresh"]
    assert len(fresh) == 10
    assert all(g["input"].startswith("corpus/") for g in fresh)
    earlier = {g["input"] for g in GOLDS if g["split"] != "fresh"}
    assert not earlier & {g["input"] for g in fresh}


def test_other_split_is_every_unrelated_corpus_article() -> None:
    """The other split: the 19 corpus articles of the nine stories that are not North Korea's."""
    other = [g for g in GOLDS if g["split"] == "other"]
    assert ids(other) == [f"corpus-{n:03d}" for n in range(31, 50)]
    assert {g["story"] for g in other} == {"unrelated"}
    assert not {g["story"] for g in GOLDS if g["split"] != "other"} & {"unrelated"}


WIKINEWS = ROOT / "eval" / "gold" / "wikinews"


@pytest.mark.parametrize(
    ("split", "round_", "size"),
    [("wikinews", 1, 18), ("wikinews2", 2, 18), ("wikinews3", 3, 18), ("wikinews4", 4, 18),
     ("wikinews5", 5, 11), ("wikinews6", 6, 15)],
)  # fmt: skip
def test_wikinews_split_is_every_record_of_its_round(split: str, round_: int, size: int) -> None:
    """A wikinews split: the CC-BY articles ``select.py`` drew in its round (18, and the 11 the
    pool had left for round 5), one gold file each."""
    golds = [g for g in GOLDS if g["split"] == split]
    dump = WIKINEWS / f"round{round_}.jsonl"
    records = len(dump.read_text(encoding="utf-8").splitlines())
    assert records == size
    assert sorted(g["record"] for g in golds) == list(range(1, records + 1))
    assert {g["input"] for g in golds} == {f"eval/gold/wikinews/round{round_}.jsonl"}
    assert all(g["id"] == f"{split}-r{g['record']}" for g in golds)
    assert {g["story"] for g in golds} == {"wikinews"}


def _select() -> Any:
    spec = importlib.util.spec_from_file_location("select_wikinews", WIKINEWS / "select.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _urls(rounds: Iterable[int]) -> list[set[str]]:
    return [
        {json.loads(line)["url"] for line in (WIKINEWS / f"round{k}.jsonl").open()} for k in rounds
    ]


@pytest.mark.skipif(not (SHARED / "datasets").is_dir(), reason="../shared/datasets not available")
@pytest.mark.parametrize("round_", [1, 2, 3, 4, 5, 6])
def test_wikinews_dumps_are_what_the_blind_draw_gives(tmp_path: Path, round_: int) -> None:
    """The Wikinews articles were drawn by length, attribution words and digits alone, with a
    fixed seed per round: re-running the draw gives the same dumps, so no article was picked by
    hand, no article is in two rounds, the five rounds use up the first pool, and round 6 comes
    from the second pool, outside the first."""
    module = _select()
    module.HERE = tmp_path
    module.main(["--shared", str(SHARED), "--round", str(round_)])
    name = f"round{round_}.jsonl"
    assert (tmp_path / name).read_bytes() == (WIKINEWS / name).read_bytes()
    urls = _urls(range(1, 7))
    assert sum(map(len, urls)) == len(set().union(*urls))
    assert len(set().union(*urls[:5])) == len(module.candidates(SHARED))  # round 5 took the rest
    second = {row["url"] for row in module.second_candidates(SHARED)}
    assert urls[5] <= second
    assert not second & {row["url"] for row in module.candidates(SHARED)}


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_file_shape(path: Path) -> None:
    gold = json.loads(path.read_text())
    assert gold["id"] == path.stem
    assert gold["anchor"] == ("raw" if gold["input"].startswith("corpus/") else "body")
    assert gold["published"] is None or ISO.fullmatch(gold["published"])
    for key in CATEGORIES:
        starts = [row["start"] for row in gold[key]]
        assert starts == sorted(starts)
        for row in gold[key]:
            assert isinstance(row["start"], int) and isinstance(row["end"], int)
            assert 0 <= row["start"] < row["end"], row
            if gold["anchor"] == "raw":
                assert "text" not in row, "no corpus text may be stored"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@pytest.mark.parametrize("gold", GOLDS, ids=ids(GOLDS))
def test_quantities_are_well_formed(gold: dict[str, Any]) -> None:
    for row in gold["quantities"]:
        numbers = [row[k] for k in ("value", "low", "high") if row[k] is not None]
        assert all(_is_number(x) for x in numbers), row
        assert row["vague"] == (not numbers), row
        assert row["value"] is None or (row["low"] is None and row["high"] is None), row
        if row["low"] is not None and row["high"] is not None:
            assert row["low"] <= row["high"], row
        assert isinstance(row["approximate"], bool)
        assert row["certainty"] in CERTAINTY, row
        assert row["source"] is None or row["source"].strip() == row["source"]
        assert row["source_kind"] in KINDS | {None}, row
        assert row["counted"] is None or isinstance(row["counted"], str)
        assert isinstance(row["unit"], str), row


@pytest.mark.parametrize("gold", GOLDS, ids=ids(GOLDS))
def test_labels_and_dates_are_well_formed(gold: dict[str, Any]) -> None:
    for row in gold["entities"]:
        assert row["label"] in LABELS and row["canonical"], row
    for row in gold["sources"]:
        assert row["kind"] in KINDS, row
        assert (row["canonical"] is None) == (row["kind"] == "unnamed") or row["kind"] == "document"
    for row in gold["dates"]:
        assert row["granularity"] in GRANULARITY, row
        value = row["value"]
        if value is None:
            continue
        parts = value.split("/")
        assert len(parts) in (1, 2) and all(ISO.fullmatch(part) for part in parts), row
        if len(parts) == 2:
            assert parts[0] <= parts[1], row


def _body_lines(gold: dict[str, Any], raw: str) -> list[tuple[int, int]]:
    chrome = json.loads((CHROME_DIR / f"{Path(gold['input']).name[:3]}.json").read_text())
    starts = [0]
    for line in raw.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    return [(starts[n - 1], starts[n] - 1) for n in chrome["body"]]


CORPUS_GOLDS = [g for g in GOLDS if g["anchor"] == "raw"]
EXAMPLE_GOLDS = [g for g in GOLDS if g["anchor"] == "body"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not available")
@pytest.mark.parametrize("gold", CORPUS_GOLDS, ids=ids(CORPUS_GOLDS))
def test_corpus_offsets_point_into_body_lines(gold: dict[str, Any]) -> None:
    path = SHARED / gold["input"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == gold["raw_sha256"]
    raw = path.read_bytes().decode("utf-8")
    lines = _body_lines(gold, raw)
    for key in CATEGORIES:
        for row in gold[key]:
            text = raw[row["start"] : row["end"]]
            assert row["end"] <= len(raw) and text.strip() == text and text, row
            assert any(a <= row["start"] and row["end"] <= b for a, b in lines), row


def _example_body(gold: dict[str, Any]) -> str:
    for found in read([str(ROOT / gold["input"])]):
        if isinstance(found, Document) and found.provenance.record == gold["record"]:
            return found.body
    raise AssertionError(f"no document for {gold['id']}")


@pytest.mark.parametrize("gold", EXAMPLE_GOLDS, ids=ids(EXAMPLE_GOLDS))
def test_example_spans_match_their_snippets(gold: dict[str, Any]) -> None:
    body = _example_body(gold)
    unchanged = hashlib.sha256(body.encode("utf-8")).hexdigest() == gold["body_sha256"]
    for key in CATEGORIES:
        for row in gold[key]:
            assert row["text"] and row["text"].strip() == row["text"], row
            assert len(row["text"]) == row["end"] - row["start"]
            if unchanged:
                assert body[row["start"] : row["end"]] == row["text"], row
            else:  # the reader changed: the scorer re-anchors by the snippet
                assert row["text"] in body, row


# --- the scorer ---------------------------------------------------------------------------------


def _evaluate(predict: Any, golds: list[dict[str, Any]] = GOLDS) -> dict[str, Any]:
    tally = scorer.Tally()
    for gold in golds:
        prediction = scorer.parse_prediction(predict(gold), scorer.IDENTITY)
        scorer.score_document(gold, prediction, tally)
    result: dict[str, Any] = tally.scores()
    return result


F1_KEYS = ("source", "date", "date_span", "entity", "entity_untyped", "entity_span")


def test_perfect_prediction_scores_one() -> None:
    result = _evaluate(scorer.prediction_from_gold)
    for level, scores in result["quantity"].items():
        assert scores["f1"] == 1.0, level
    for key in F1_KEYS:
        assert result[key]["f1"] == 1.0, key
    for key in ("certainty_accuracy", "unit_accuracy", "per_accuracy", "date_resolved_accuracy"):
        assert result[key]["accuracy"] == 1.0, key


def test_a_share_as_a_percentage_matches_a_gold_fraction_only() -> None:
    third = {"value": 0.3333, "low": None, "high": None, "unit": "fraction"}
    count = {"value": 0.3333, "low": None, "high": None, "unit": "count"}
    as_percent = scorer.PQuantity((0, 1), 33.33, None, None, False, None, "percent", None, None, "")
    assert scorer.same_value(third, as_percent)
    assert scorer.same_numbers(third, as_percent)
    assert not scorer.same_value(count, as_percent)


@pytest.mark.parametrize(
    ("gold", "predicted", "same"),
    [
        ("2025-01-01/2025-06-30", "2025-01/2025-06", True),
        ("1960/1969", "1960-01-01/1969-12-31", True),
        ("2024-02-01/2024-02-29", "2024-02", True),
        ("2024-10-28/2024-11-03", "2024-10", False),
        ("2025-03-09T23:00/2025-03-10T01:00", "2025-03-09T22:00/2025-03-10T01:00", False),
        ("2025-03-09", "2025-03-10", False),
    ],
)
def test_a_range_matches_the_same_days_at_another_precision(
    gold: str, predicted: str, same: bool
) -> None:
    assert scorer._date_ok({"value": gold}, scorer.PTime((0, 1), predicted)) is same


def test_empty_prediction_scores_zero() -> None:
    result = _evaluate(lambda gold: {"entities": [], "times": [], "claims": []})
    for scores in result["quantity"].values():
        assert scores["f1"] == 0.0 and scores["fn"] > 0
    for key in F1_KEYS:
        assert result[key]["f1"] == 0.0, key
    assert result["date_resolved_accuracy"]["accuracy"] == 0.0


def test_wrong_source_fails_only_the_attributed_level() -> None:
    def predict(gold: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = scorer.prediction_from_gold(gold)
        for claim in found["claims"]:
            if claim["quantities"]:
                claim["source"] = {
                    "text": "",
                    "start": 0,
                    "end": 0,
                    "kind": "person",
                    "canonical": "Nobody Atall",
                }
        return found

    result = _evaluate(predict)
    assert result["quantity"]["value_counted"]["f1"] == 1.0
    assert result["quantity"]["attributed"]["f1"] < 0.2


def test_range_read_as_value_fails_value_but_passes_number() -> None:
    gold = {
        "id": "t",
        "quantities": [
            {
                "start": 0,
                "end": 10,
                "value": None,
                "low": None,
                "high": 12000,
                "vague": False,
                "counted": "troop",
                "source": None,
                "certainty": "reported",
                "unit": "people",
                "per": None,
            }
        ],
        "dates": [],
        "entities": [],
        "sources": [],
    }
    claim = {
        "source": None,
        "certainty": "reported",
        "quantities": [
            {
                "start": 3,
                "end": 9,
                "value": 12000,
                "low": None,
                "high": None,
                "counted": "North Korean troops",
                "unit": "people",
            }
        ],
    }
    tally = scorer.Tally()
    scorer.score_document(
        gold, scorer.parse_prediction({"claims": [claim]}, scorer.IDENTITY), tally
    )
    scores = tally.scores()["quantity"]
    assert scores["value"]["f1"] == 0.0
    assert scores["number"]["f1"] == 1.0
    assert scores["span"]["f1"] == 1.0


def test_counted_and_names() -> None:
    def quantity(counted: str | None, unit: str | None = None) -> Any:
        return scorer.PQuantity((0, 1), 1.0, None, None, False, counted, unit, None, None, None)

    assert scorer.counted_matches({"counted": "troop"}, quantity("North Korean troops"))
    assert not scorer.counted_matches({"counted": "troop"}, quantity("soldiers"))
    assert scorer.counted_matches({"counted": "USD"}, quantity(None, "USD"))
    assert scorer.counted_matches({"counted": "KRW"}, quantity("million won"))
    assert scorer.counted_matches(
        {"counted": "casualty", "counted_alt": ["wounded"]}, quantity("killed or wounded")
    )
    assert scorer.counted_matches({"counted": None}, quantity(None))
    assert scorer.same_name("Volodymyr Zelensky", "Volodymyr Zelenskyy")
    assert not scorer.same_name("Volodymyr Zelensky", "Zelenskyy")  # canonical = full name
    assert scorer.same_name("The New York Times", "New York Times")
    assert not scorer.same_name("Pentagon", "White House")
    assert scorer.same_name(None, None) and not scorer.same_name("NATO", None)


def test_align_maps_body_lines_into_raw_text() -> None:
    raw = (
        "URL: x\n---\nMenu | Home\n date 2024-11-01 First line of the story.\nSecond  one. Third.\n"
    )
    body = "First line of the story.\n\nSecond one.\n\nThird."
    mapping = scorer.align(body, raw)
    offsets = scorer.OffsetMap(mapping)
    for phrase in ("First line", "story.", "Third.", "one."):
        start = body.index(phrase)
        span = offsets.span(start, start + len(phrase))
        assert span is not None and raw[span[0] : span[1]] == phrase, phrase
    start = body.index("Second one")
    span = offsets.span(start, start + len("Second one"))
    assert span is not None and raw[span[0] : span[1]] == "Second  one"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not available")
def test_align_on_the_corpus_documents() -> None:
    for gold in CORPUS_GOLDS:
        document = scorer.read_document(gold, SHARED)
        raw = scorer.read_raw(SHARED / gold["input"])
        mapping = scorer.align(document.body, raw)
        for index, char in enumerate(document.body):
            if char != "\n":
                assert mapping[index] >= 0 and raw[mapping[index]] == char, gold["id"]


def test_reanchor_follows_a_changed_body() -> None:
    gold = EXAMPLE_GOLDS[0]
    body = "A new first paragraph.\n\n" + _example_body(gold)
    moved, warnings = scorer.reanchor(gold, body)
    assert not warnings
    for key in CATEGORIES:
        for row in moved[key]:
            assert body[row["start"] : row["end"]] == row["text"]


def test_load_gold_splits() -> None:
    splits = (
        "dev", "test", "fresh", "other", "wikinews", "wikinews2", "wikinews3", "wikinews4",
        "wikinews5", "wikinews6",
    )  # fmt: skip
    both = scorer.load_gold("all")
    assert sum(len(scorer.load_gold(s)) for s in splits) == len(both) == len(GOLDS)
    with pytest.raises(ValueError):
        scorer.load_gold("train")
