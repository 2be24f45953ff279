"""The command line as a user drives it: exit codes, tables, JSON, and a killed ingest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsledger.cli import app

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
runner = CliRunner()

BODY = (
    "The harbour authority said on Monday that {n} containers had been cleared from the quay "
    "after the storm, and that ferry services would resume on Wednesday if the wind eased."
)


def _write_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"a{n:04d}.txt").write_text(
            f"TITLE: Harbour update {n}\nDATE: 2025-04-{1 + n % 28:02d}\n---\n"
            f"{BODY.format(n=n)} Report number {n} of a long series, with detail {n * 7}.\n"
        )


def test_ingest_examples_then_list_and_show(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    result = runner.invoke(app, ["ingest", "--db", db, str(EXAMPLES), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["failed"] == 0 and report["ingested"] >= 10
    assert report["near_duplicate"] == 1
    listed = json.loads(runner.invoke(app, ["documents", "--db", db, "--json"]).stdout)
    assert listed["total"] == report["ingested"]
    copies = [d for d in listed["documents"] if d["duplicate_of"]]
    assert len(copies) == 1
    shown = runner.invoke(app, ["show", copies[0]["id"][:12], "--db", db, "--json"])
    assert json.loads(shown.stdout)["duplicate_of"] == copies[0]["duplicate_of"]
    again = json.loads(runner.invoke(app, ["ingest", "--db", db, str(EXAMPLES), "--json"]).stdout)
    assert again["ingested"] == 0 and again["duplicate"] == report["ingested"]


def test_ingest_exit_1_names_failed_inputs_and_keeps_the_rest(tmp_path: Path) -> None:
    _write_articles(tmp_path / "in", 2)
    (tmp_path / "in" / "empty.txt").write_text("")
    result = runner.invoke(app, ["ingest", "--db", str(tmp_path / "s.db"), str(tmp_path / "in")])
    assert result.exit_code == 1
    assert "empty.txt: [E001] file is empty" in result.stdout
    listed = json.loads(
        runner.invoke(app, ["documents", "--db", str(tmp_path / "s.db"), "--json"]).stdout
    )
    assert listed["total"] == 2


def test_usage_error_exits_2() -> None:
    assert runner.invoke(app, ["ingest"]).exit_code == 2


def test_show_unknown_id(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", "nope", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1 and "No single document" in result.output


def test_extract_prints_contract_document_objects() -> None:
    result = runner.invoke(app, ["extract", str(EXAMPLES), "--json"])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) >= 10
    for record in lines:
        document = record["document"]
        assert {"document", "entities", "times", "claims"} <= set(record)
        assert {"id", "url", "path", "title", "outlet", "published", "body"} <= set(document)
        assert len(document["id"]) == 64
        assert_offsets_index_body(record)
    assert sum(1 for r in lines if r["document"]["duplicate_of"]) == 1
    claims = [c for r in lines for c in r["claims"]]
    assert any(c["source"] and c["quantities"] for c in claims)


def _spans(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from record["entities"]
    yield from record["times"]
    for claim in record["claims"]:
        yield claim
        yield claim["content"]
        yield from (x for x in (claim["source"], claim["cue"]) if x)
        yield from claim["quantities"]
        yield from claim["when"]
        yield from claim["where"]


def assert_offsets_index_body(record: dict[str, Any]) -> None:
    """Every span of ``extract --json`` is the text at its offsets in the body (the contract)."""
    body = record["document"]["body"]
    for span in _spans(record):
        assert body[span["start"] : span["end"]] == span["text"], span


@pytest.mark.slow
def test_ingest_killed_with_sigkill_resumes_without_duplicates(tmp_path: Path) -> None:
    _write_articles(tmp_path / "in", 400)
    db = tmp_path / "s.db"
    command = [
        sys.executable,
        "-m",
        "newsledger.cli",
        "ingest",
        "--db",
        str(db),
        "--json",
        str(tmp_path / "in"),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if db.exists() and _count(db) >= 20:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = _count(db)
    assert 0 < stored < 400, "the kill must land mid-ingest"
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    report = json.loads(finished.stdout)
    assert report["ingested"] + report["duplicate"] == 400
    assert report["duplicate"] >= stored - 1
    assert _count(db) == 400
    import sqlite3

    with sqlite3.connect(db) as connection:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        orphans = "select count(*) from claims where document_id not in (select id from documents)"
        assert connection.execute(orphans).fetchone()[0] == 0
        unplaced = (
            "select count(*) from documents where id not in (select document_id from story_members)"
        )
        assert connection.execute(unplaced).fetchone()[0] == 0


def _count(db: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return int(connection.execute("select count(*) from documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_examples_fall_into_their_stories(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert runner.invoke(app, ["ingest", "--db", db, str(EXAMPLES)]).exit_code == 0
    result = runner.invoke(app, ["stories", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    stories = json.loads(result.stdout)["stories"]
    sizes = sorted(len(s["documents"]) for s in stories)
    assert sizes == [1, 1, 1, 1, 11]  # the dam story; the depot fire, library, ferries, rates
    dam = next(s for s in stories if len(s["documents"]) == 11)
    assert "Greyhollow" in dam["title"] or "dam" in dam["title"].lower()
    table = runner.invoke(app, ["stories", "--db", db])
    assert table.exit_code == 0 and "11" in table.stdout


def test_ingest_stores_claims_that_claims_lists(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    _write_articles(tmp_path / "in", 3)
    assert runner.invoke(app, ["ingest", "--db", db, str(tmp_path / "in")]).exit_code == 0
    result = runner.invoke(app, ["claims", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    for record in records:
        assert_offsets_index_body(record)
        figures = [q for c in record["claims"] for q in c["quantities"]]
        assert any(q["unit"] == "containers" or q["counted"] == "containers" for q in figures)
        harbour = [c for c in record["claims"] if c["source"]]
        assert harbour and harbour[0]["source"]["canonical"] == "harbour authority"
        assert harbour[0]["when"][0]["date"] is not None
    table = runner.invoke(app, ["claims", "--db", db])
    assert table.exit_code == 0 and "containers" in table.stdout


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("examples") / "s.db")
    assert runner.invoke(app, ["ingest", "--db", db, str(EXAMPLES)]).exit_code == 0
    return db


def test_brief_json_cites_a_span_of_a_stored_document_for_every_value(examples_db: str) -> None:
    result = runner.invoke(app, ["brief", "--db", examples_db, "--format", "json"])
    assert result.exit_code == 0, result.output
    briefing = json.loads(result.stdout)
    assert set(briefing) == {"generated", "stories"}
    dam = briefing["stories"][0]
    assert len(dam["documents"]) == 11
    assert {"id", "title", "documents", "facts", "timeline", "people", "contradictions"} <= set(dam)
    shown = runner.invoke(app, ["claims", "--db", examples_db, "--json"]).stdout.splitlines()
    bodies = {r["document"]["id"]: r["document"]["body"] for r in map(json.loads, shown)}
    for story in briefing["stories"]:
        for fact in story["facts"]:
            assert fact["status"] in {"corroborated", "single-source", "disputed", "changing"}
            for value in fact["values"]:
                assert value["sources"]
                for source in value["sources"]:
                    body = bodies[source["document"]]
                    assert body[source["start"] : source["end"]] == source["quote"]
        for entry in story["timeline"]:
            assert entry["sources"]
    missing = next(f for f in dam["facts"] if f["label"].startswith("Missing"))
    assert missing["status"] == "changing"


def test_brief_markdown_to_file_and_second_brief_sees_no_new_facts(
    examples_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "brief.md"
    result = runner.invoke(app, ["brief", "--db", examples_db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# What we know")
    assert "Missing (Greyhollow Dam) — **changing**" in text
    assert list(tmp_path.glob("brief-*.svg"))
    again = json.loads(
        runner.invoke(app, ["brief", "--db", examples_db, "--format", "json"]).stdout
    )
    kinds = {c["kind"] for s in again["stories"] for c in s["changes"]}
    assert "new_fact" not in kinds


def test_brief_unknown_story_and_empty_store(tmp_path: Path, examples_db: str) -> None:
    unknown = runner.invoke(app, ["brief", "--db", examples_db, "--story", "nope"])
    assert unknown.exit_code == 1 and "No single story" in unknown.output
    empty = runner.invoke(app, ["brief", "--db", str(tmp_path / "e.db")])
    assert empty.exit_code == 1 and "no stories" in empty.output
