"""Export and import: a whole store to one file and back, across SQLite and PostgreSQL, and a
store written by the first schema still opens, upgraded, with its data.

The PostgreSQL tests start a throwaway server (``tests/postgres.py``).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from click.testing import Result
from sqlalchemy import select, text
from typer.testing import CliRunner

from newsledger.cli import app
from newsledger.config import Limits
from newsledger.ingest.document import build
from newsledger.model import Provenance
from newsledger.pipeline import build_briefing, ingest, link, load_index
from newsledger.store import Store, migrations, schema
from newsledger.store.transfer import LEDGER_TABLES
from postgres import fresh_database

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
FIXTURE = ROOT / "tests" / "fixtures" / "store-schema-0001.db"
runner = CliRunner()

#: Tables the examples fill; a test of losslessness over empty tables would prove nothing.
FILLED = {
    "documents",
    "provenance",
    "entities",
    "times",
    "places",
    "claims",
    "quantities",
    "story_members",
    "reconcile_state",
    "briefings",
    "changes",
}

#: An invented article of the store's own, for the merge tests.
OWN = (
    "TITLE: Ferry timetable changes at Portwell\nDATE: 2025-05-06\n---\n"
    "The Portwell ferry operator said on Tuesday that it would cut the number of winter "
    "crossings from twelve to eight a day, citing fuel costs of about 2 million dollars. "
    "Union officials said about 40 jobs were at risk.\n"
)


def cli(*args: object, code: int = 0) -> Result:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result


def dump(db: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the schema (and the schema revision), in a fixed order."""
    store = Store(str(db))
    try:
        with store.engine.connect() as connection:
            found = {
                table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for table in schema.metadata.sorted_tables
            }
            found["alembic_version"] = list(
                map(tuple, connection.execute(text("SELECT version_num FROM alembic_version")))
            )
    finally:
        store.close()
    return found


def header(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return dict(json.loads(handle.readline()))


@pytest.fixture(scope="module")
def examples_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples ingested, and briefed once (so briefings and changes hold rows)."""
    db = tmp_path_factory.mktemp("examples") / "s.db"
    cli("ingest", "--db", db, "--workers", "1", EXAMPLES)
    cli("brief", "--db", db, "--format", "json")
    return db


@pytest.fixture(scope="module")
def exported(examples_store: Path) -> Path:
    path = examples_store.with_name("examples.jsonl")
    cli("export", "--db", examples_store, path)
    return path


def test_export_lists_every_table_of_the_schema_with_its_rows(exported: Path) -> None:
    top = header(exported)
    assert top["format"] == "newsledger-export" and top["version"] == 1
    scripts = ScriptDirectory.from_config(migrations())
    assert top["schema"] == scripts.get_current_head()
    assert top["tables"] == [t.name for t in schema.metadata.sorted_tables]
    lines = exported.read_text(encoding="utf-8").splitlines()[1:]
    counted = {name: 0 for name in top["tables"]}
    for line in lines:
        counted[json.loads(line)["table"]] += 1
    assert counted == top["rows"]
    assert {name for name, n in counted.items() if n} >= FILLED
    document = next(json.loads(line)["row"] for line in lines if '"documents"' in line[:30])
    assert isinstance(document["signature"], str)  # bytes as base64


def test_sqlite_to_postgresql_and_back_loses_nothing(
    examples_store: Path, exported: Path, postgres_admin: str, tmp_path: Path
) -> None:
    postgresql = fresh_database(postgres_admin)
    into_postgresql = json.loads(cli("import", "--db", postgresql, exported, "--json").stdout)
    assert into_postgresql["skipped"] == 0
    assert into_postgresql["inserted"] == sum(header(exported)["rows"].values())
    again = tmp_path / "again.jsonl"
    cli("export", "--db", postgresql, again)
    back = tmp_path / "back.db"
    cli("import", "--db", back, again)

    original = dump(examples_store)
    assert {name for name, rows in original.items() if rows} >= FILLED
    assert dump(postgresql) == original
    assert dump(back) == original
    first, second = (p.read_text(encoding="utf-8").splitlines() for p in (exported, again))
    assert sorted(first) == sorted(second)

    def briefing(db: str | Path) -> dict[str, Any]:
        store = Store(str(db))
        try:
            found = build_briefing(store).to_json()
        finally:
            store.close()
        found.pop("generated")
        return found

    expected = briefing(examples_store)
    assert expected["stories"]
    assert briefing(postgresql) == expected


def test_import_twice_skips_every_row_the_second_time(exported: Path, tmp_path: Path) -> None:
    db = tmp_path / "twice.db"
    first = json.loads(cli("import", "--db", db, exported, "--json").stdout)
    before = dump(db)
    second = json.loads(cli("import", "--db", db, exported, "--json").stdout)
    assert first["skipped"] == 0 and first["inserted"] > 0
    assert second["inserted"] == 0 and second["skipped"] == first["inserted"]
    for name, counts in first["tables"].items():
        assert second["tables"][name] == {"inserted": 0, "skipped": counts["inserted"]}
    assert dump(db) == before


def test_store_without_a_ledger_takes_only_the_missing_ledger_rows(
    exported: Path, tmp_path: Path
) -> None:
    """Rows with no key but their number (briefings) are matched on their content."""
    db = tmp_path / "reset.db"
    cli("import", "--db", db, exported)
    store = Store(str(db))
    with store.engine.begin() as connection:
        connection.execute(schema.reconcile_state.delete())
    store.close()
    before = dump(db)
    again = json.loads(cli("import", "--db", db, exported, "--json").stdout)
    assert not again["kept_ledger"]
    assert again["inserted"] == again["tables"]["reconcile_state"]["inserted"] == 1
    assert again["tables"]["briefings"]["skipped"] == len(before["briefings"]) > 0
    after = dump(db)
    assert {name: rows for name, rows in after.items() if name != "reconcile_state"} == {
        name: rows for name, rows in before.items() if name != "reconcile_state"
    }


def test_import_into_a_store_with_documents_of_its_own_keeps_both(
    db_url: str, examples_store: Path, exported: Path, tmp_path: Path
) -> None:
    own = tmp_path / "own.txt"
    own.write_text(OWN, encoding="utf-8")
    cli("ingest", "--db", db_url, "--workers", "1", own)
    store = Store(db_url)
    (own_id,) = [d.id for d in store.documents()]
    own_before = store.extraction(own_id)
    store.close()

    report = json.loads(cli("import", "--db", db_url, exported, "--json").stdout)
    assert report["kept_ledger"]
    rows = header(exported)["rows"]
    for name, counts in report["tables"].items():
        taken = {"inserted": 0, "skipped": rows[name]}
        if name not in LEDGER_TABLES:  # the store keeps its own stories, log and briefings
            taken = {"inserted": rows[name], "skipped": 0}
        assert counts == taken, name

    source, merged = Store(str(examples_store)), Store(db_url)
    try:
        ids = [d.id for d in source.documents()]
        assert [d.id for d in merged.documents()] == [own_id, *ids]  # ingest order kept
        assert merged.extraction(own_id) == own_before
        for doc_id in ids:
            assert merged.extraction(doc_id) == source.extraction(doc_id)
        placed = {d for members in merged.stories().values() for d in members}
        assert placed == {own_id, *ids}  # the store's ledger placed the imported documents
        # Ids and sequences carry on after the imported ones (PostgreSQL: setval).
        later = tmp_path / "later.txt"
        later.write_text(OWN.replace("twelve to eight", "twelve to six"), encoding="utf-8")
        assert ingest(merged, [str(later)], Limits()).ingested == 1
        assert merged.count() == len(ids) + 2
    finally:
        source.close()
        merged.close()


def _damage(lines: list[str], how: str) -> tuple[str, int]:
    """The export's text damaged one way, and the line the error must name."""
    if how == "cut mid-line":
        return "\n".join(lines[:40]) + "\n" + lines[40][:25], 41
    if how == "cut at a line end":
        return "\n".join(lines[:-3]) + "\n", len(lines) - 3
    if how == "not JSON":
        return "\n".join([*lines[:2], "{not json", *lines[3:]]) + "\n", 3
    if how == "bad base64":
        n = next(n for n, line in enumerate(lines) if line.startswith('{"table":"documents"'))
        row = json.loads(lines[n])
        row["row"]["signature"] = "***"
        return "\n".join([*lines[:n], json.dumps(row), *lines[n + 1 :]]) + "\n", n + 1
    if how == "not an export":
        return '{"text": "an article"}\n', 1
    assert how == "newer schema"
    top = json.loads(lines[0])
    top["schema"] = "9999_from_the_future"
    return "\n".join([json.dumps(top), *lines[1:]]) + "\n", 1


@pytest.mark.parametrize(
    ("how", "says"),
    [
        ("cut mid-line", "cut short"),
        ("cut at a line end", "it is truncated"),
        ("not JSON", "not a JSON line"),
        ("bad base64", "is damaged"),
        ("not an export", "not a newsledger export"),
        ("newer schema", "newer than this newsledger's"),
    ],
)
def test_damaged_export_is_refused_naming_file_and_line_and_changes_nothing(
    exported: Path, tmp_path: Path, how: str, says: str
) -> None:
    text_, line = _damage(exported.read_text(encoding="utf-8").splitlines(), how)
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text(text_, encoding="utf-8")
    db = tmp_path / "target.db"
    result = cli("import", "--db", db, damaged, code=1)
    assert f"{damaged}, line {line}:" in result.output
    assert says in result.output
    assert all(not rows for name, rows in dump(db).items() if name != "alembic_version")


# --- a store written by the first schema -------------------------------------------------------


def _fixture_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_schema_fixture", ROOT / "tools" / "make_schema_fixture.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _first_schema_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The rows revision 0001 has, read with plain SQL (no upgrade)."""
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            return {
                name: list(map(tuple, connection.execute(text(f"SELECT * FROM {name}"))))
                for name in ("alembic_version", "documents", "provenance")
            }
    finally:
        engine.dispose()


def test_schema_fixture_is_what_its_generator_writes(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    _fixture_tool().make(fresh)
    committed = _first_schema_rows(FIXTURE)
    assert committed["alembic_version"] == [("0001",)]
    assert _first_schema_rows(fresh) == committed
    assert FIXTURE.stat().st_size < 200_000


def test_store_of_the_first_schema_moves_to_either_backend(db_url: str, tmp_path: Path) -> None:
    """Its copy is exported before its original (ids sort that way): the import must insert
    the reference to a document that comes later in the file."""
    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    exported = tmp_path / "old.jsonl"
    cli("export", "--db", old, exported)
    order = [json.loads(line)["row"] for line in exported.read_text().splitlines()[1:3]]
    assert order[0]["duplicate_of"] == order[1]["id"]
    cli("import", "--db", db_url, exported)
    moved, before = dump(db_url), dump(old)
    assert before["documents"] and before["provenance"]
    for name in set(before) - set(LEDGER_TABLES):
        assert moved[name] == before[name], name
    # It had no ledger yet: the import's catch-up placed its documents in stories.
    assert {row[0] for row in moved["story_members"]} == {row[0] for row in before["documents"]}


def test_store_of_the_first_schema_opens_upgraded_with_its_data(tmp_path: Path) -> None:
    tool = _fixture_tool()
    expected = tool.rows()
    db = tmp_path / "old.db"
    shutil.copy(FIXTURE, db)
    store = Store(str(db))
    try:
        with store.engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert (
                revision.scalar_one()
                == ScriptDirectory.from_config(migrations()).get_current_head()
            )
            stored = connection.execute(select(schema.provenance).order_by(schema.provenance.c.id))
            assert [dict(r._mapping) for r in stored] == expected["provenance"]

        original, copy = expected["documents"]
        documents = store.documents()
        assert [d.id for d in documents] == [original["id"], copy["id"]]
        for document, row in zip(documents, expected["documents"], strict=True):
            assert document.body == row["body"]
            assert (document.title, document.outlet, document.url, document.path) == (
                row["title"],
                row["outlet"],
                row["url"],
                row["path"],
            )
            assert (document.author, document.section, document.duplicate_of) == (
                row["author"],
                row["section"],
                row["duplicate_of"],
            )
            assert document.published.value == row["published"]
            assert document.published.source == row["published_source"]
            assert document.published.unsure == row["published_unsure"]
        first = store.get(original["id"][:12])
        assert first is not None
        assert first.provenance.input == expected["provenance"][0]["input"]
        assert first.provenance.record is None  # -1 in the table
        assert [s.signature for s in store.signatures()] == [
            original["signature"],
            copy["signature"],
        ]
        # The signatures still find copies: a third copy of the story joins the original.
        third = build(copy["body"] + " More to follow.", provenance=Provenance(input="third.txt"))
        linked, _, _ = link(load_index(store), third)
        assert linked.duplicate_of == original["id"]

        # Content addressing still holds: the same article read again is a duplicate.
        again = tmp_path / "again.txt"
        again.write_text(f"TITLE: {original['title']}\n---\n{original['body']}\n", encoding="utf-8")
        report = ingest(store, [str(again)], Limits())
        assert (report.ingested, report.duplicate) == (0, 1)
        assert store.count() == 2
    finally:
        store.close()
