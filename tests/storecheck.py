"""Helpers for the crash and concurrency tests: invented articles, the CLI, store invariants.

Every article here is generated from invented word lists (nothing comes from ../shared/corpus).
The checks read a store the way an auditor would, with plain SQL on SQLite (``sqlite3``) or
PostgreSQL (SQLAlchemy), not through ``Store``, so a bug in the store cannot hide itself.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from newsledger.reconcile.stories import StoryIndex

#: The tables whose rows belong to one document (see ``newsledger.store.schema``).
OWNED = (
    "provenance",
    "entities",
    "times",
    "places",
    "claims",
    "quantities",
    "story_members",
    "changes",
)
#: Per document, the rows a whole document has; ``story_members`` is checked apart.
EXTRACTED = ("provenance", "entities", "times", "places", "claims", "quantities")

_TOWNS = (
    "Portwell",
    "Greyhollow",
    "Marrow Bay",
    "Kelling",
    "Dunmere",
    "Halvern",
    "Oakridge",
    "Brackenford",
)
#: Per event: its name, what is counted, what happened to it, and words only its reports use.
_EVENTS = (
    (
        "storm",
        "houses",
        "damaged",
        "gale roof tiles chimney gusts shutters coastline sandbags hail lightning uprooted "
        "oak fallen cables outage forecasters warning amber trampoline fence glazing",
    ),
    (
        "ferry strike",
        "sailings",
        "cancelled",
        "union ballot picket wages crossing timetable deckhands pensions negotiators "
        "arbitration mandate walkout terminal ticket refunds overtime rota",
    ),
    (
        "depot fire",
        "workers",
        "evacuated",
        "blaze smoke firefighters arson hoses flames cylinders fumes plume hydrants "
        "extinguished smouldering forensic cordon respirators scorched",
    ),
    (
        "river flood",
        "households",
        "moved",
        "embankment levee rainfall pumps riverbank torrent gauges overflow culvert silt "
        "floodwater meadow dredging barrier sluice waterlogged",
    ),
    (
        "rail closure",
        "passengers",
        "delayed",
        "signal track buses platform junction carriages sleepers derailment viaduct "
        "timetables commuters replacement ballast points inspection",
    ),
    (
        "water outage",
        "homes",
        "cut off",
        "mains pipe burst reservoir bottled tankers valves pressure boil notice "
        "contamination chlorine hydrant aquifer leakage meters",
    ),
)
_SOURCES = (
    "The harbour authority",
    "The fire service",
    "Police",
    "The town council",
    "A spokeswoman for the operator",
    "The regional health board",
)
_PEOPLE = (
    "Maria Okafor",
    "Tomas Lindqvist",
    "Ruth Achterberg",
    "Daniel Mwangi",
    "Hannah Pellegrini",
    "Oskar Vance",
    "Leila Haddad",
    "Colm Fitzgerald",
)
_ROLES = ("the mayor", "a union official", "the chief engineer", "a local shopkeeper")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@dataclass(frozen=True)
class Articles:
    """A folder of generated article files: ``distinct`` different bodies in ``files`` files."""

    folder: Path
    files: int
    distinct: int


def write_articles(folder: Path, distinct: int, copies: int = 0, seed: int = 7) -> Articles:
    """``distinct`` short invented articles, each with a title line and a date, plus ``copies``
    files that repeat one of them byte for byte (the same document, another provenance).

    Article ``n`` reports event ``n % 6`` in town ``n % 8``: a couple of dozen stories that
    develop over weeks, so placing them joins, opens and merges stories.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    texts = [_article(n, rng) for n in range(distinct)]
    for n, body in enumerate(texts):
        (folder / f"a{n:04d}.txt").write_text(body, encoding="utf-8")
    for n in range(copies):
        (folder / f"copy{n:03d}.txt").write_text(texts[(n * 37) % distinct], encoding="utf-8")
    return Articles(folder, distinct + copies, distinct)


def _article(n: int, rng: random.Random) -> str:
    town = _TOWNS[n % len(_TOWNS)]
    event, counted, happened, vocabulary = _EVENTS[n % len(_EVENTS)]
    own = vocabulary.split()
    month, day = 3 + n // 60, 1 + (n * 7) % 27

    def words(k: int) -> str:
        return " ".join(rng.choice(own) for _ in range(k))

    return (
        f"TITLE: {event.title()} in {town}: {words(3)}\n"
        f"DATE: 2025-{month:02d}-{day:02d}\n"
        "---\n"
        f"{rng.choice(_SOURCES)} said on {rng.choice(_WEEKDAYS)} that {rng.randint(12, 4800)} "
        f"{counted} had been {happened} in {town} after the {event}. "
        f"{rng.choice(_PEOPLE)}, {rng.choice(_ROLES)}, said the {words(2)} would take about "
        f"{rng.randint(2, 9)} weeks. {words(12).capitalize()} in {town}. "
        f"{words(10).capitalize()}.\n"
    )


# --- the command line --------------------------------------------------------------------------


def newsledger_command() -> list[str]:
    """The installed ``newsledger`` script of this virtual environment (as a user runs it)."""
    script = Path(sys.executable).with_name("newsledger")
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsledger.cli"]


def cli_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSLEDGER_DB", None)
    return env


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*newsledger_command(), *args],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def stories_json(db: str) -> list[dict[str, Any]]:
    """What ``newsledger stories --db DB --json`` lists."""
    result = run_cli("stories", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout)["stories"])


# --- reading a store -------------------------------------------------------------------------


def is_sqlite(db: str) -> bool:
    return "://" not in db


def query(db: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of one query; a SQLite store is opened read-only (it may be mid-write elsewhere)."""
    if is_sqlite(db):
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            return list(connection.execute(sql).fetchall())
        finally:
            connection.close()
    engine = create_engine(db)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def count(db: str, table: str = "documents") -> int:
    """Rows of a table; 0 while the store or the table does not exist yet."""
    if is_sqlite(db) and not Path(db).exists():
        return 0
    try:
        return int(query(db, f"SELECT count(*) FROM {table}")[0][0])
    except (sqlite3.OperationalError, sqlite3.DatabaseError):
        return 0
    except Exception as exc:  # PostgreSQL before the migrations ran
        if "does not exist" in str(exc):
            return 0
        raise


def has_schema(db: str) -> bool:
    if is_sqlite(db):
        if not Path(db).exists():
            return False
        rows = query(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = query(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return "documents" in {row[0] for row in rows}


@dataclass(frozen=True)
class Snapshot:
    """What a store holds, as the invariants need it."""

    #: document id -> rows of each table of ``EXTRACTED`` (in that order).
    rows: dict[str, tuple[int, ...]]
    #: document id -> its story in ``story_members``.
    members: dict[str, str]
    #: document id -> its story in the saved reconcile state (empty before the first save).
    state: dict[str, str]

    @property
    def ids(self) -> set[str]:
        return set(self.rows)


def snapshot(db: str) -> Snapshot:
    ids = [row[0] for row in query(db, "SELECT id FROM documents")]
    rows: dict[str, list[int]] = {doc: [0] * len(EXTRACTED) for doc in ids}
    for n, table in enumerate(EXTRACTED):
        for doc, found in query(db, f"SELECT document_id, count(*) FROM {table} GROUP BY 1"):
            if doc in rows:
                rows[doc][n] = int(found)
    members = dict(query(db, "SELECT document_id, story_id FROM story_members"))
    saved = query(db, "SELECT data FROM reconcile_state WHERE name = 'reconcile'")
    state: dict[str, str] = {}
    if saved:
        index = StoryIndex.from_state(json.loads(saved[0][0])["stories"])
        for story in index.stories.values():
            for doc in story.documents:
                assert doc not in state, f"{doc} is in two stories of the saved state"
                state[doc] = story.id
    return Snapshot({d: tuple(r) for d, r in rows.items()}, members, state)


def integrity_problems(db: str) -> list[str]:
    """The database engine's own check: SQLite's integrity and foreign-key checks, or
    PostgreSQL's ``amcheck`` over every B-tree index (skipped where the extension is missing)."""
    if is_sqlite(db):
        problems = [row[0] for row in query(db, "PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key: {row}" for row in query(db, "PRAGMA foreign_key_check")]
        return problems
    engine = create_engine(db)
    try:
        with engine.begin() as connection:
            available = connection.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'")
            ).first()
            if available is None:
                return []
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            indexes = connection.execute(
                text(
                    "SELECT c.oid::regclass::text FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_am a ON a.oid = c.relam "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE a.amname = 'btree' AND n.nspname = 'public'"
                )
            ).all()
            assert indexes, "amcheck found no index to check"
            for (name,) in indexes:  # raises on a corrupt index
                connection.execute(
                    text("SELECT bt_index_check(CAST(:n AS regclass), true)"), {"n": name}
                )
    finally:
        engine.dispose()
    return []


def orphans(db: str) -> dict[str, int]:
    """Rows, per table, whose document (or, for a figure, whose claim) is not stored."""
    found = {
        table: int(
            query(
                db,
                f"SELECT count(*) FROM {table} WHERE document_id NOT IN (SELECT id FROM documents)",
            )[0][0]
        )
        for table in OWNED
    }
    found["quantities.claim_id"] = int(
        query(
            db,
            "SELECT count(*) FROM quantities "
            "WHERE claim_id IS NOT NULL AND claim_id NOT IN (SELECT id FROM claims)",
        )[0][0]
    )
    found["documents.duplicate_of"] = int(
        query(
            db,
            "SELECT count(*) FROM documents "
            "WHERE duplicate_of IS NOT NULL AND duplicate_of NOT IN (SELECT id FROM documents)",
        )[0][0]
    )
    return {table: n for table, n in found.items() if n}


def check_consistent(db: str, reference: Snapshot) -> Snapshot:
    """Assert what must hold of a store at any moment, even just after a SIGKILL:

    the engine's own check passes; no row outlives its document; every stored document is one
    of the inputs' and whole (its provenance and exactly the extraction rows a clean run stores
    for it); and story membership is exactly what the saved reconcile state says (they are
    written in one transaction). Returns the snapshot for further checks.
    """
    if not has_schema(db):
        return Snapshot({}, {}, {})
    assert integrity_problems(db) == []
    assert orphans(db) == {}
    now = snapshot(db)
    assert now.ids <= reference.ids, "a stored document that no input holds"
    half = {
        doc: (rows, reference.rows[doc])
        for doc, rows in now.rows.items()
        if rows[1:] != reference.rows[doc][1:] or rows[0] < 1
    }
    assert half == {}, "half-written documents: (stored rows, rows of a whole one)"
    assert now.members == now.state, "story membership disagrees with the saved state"
    return now


def check_complete(db: str, reference: Snapshot, stories: list[dict[str, Any]]) -> None:
    """Assert a store holds every input document exactly once, as a clean run stores them, and
    that ``stories --json`` (``stories``) lists each in exactly one story."""
    now = check_consistent(db, reference)
    assert now.ids == reference.ids, (
        f"lost {len(reference.ids - now.ids)}, unexpected {len(now.ids - reference.ids)}"
    )
    assert now.rows == reference.rows, "documents differ in provenance or extraction rows"
    listed = Counter(doc["id"] for story in stories for doc in story["documents"])
    assert set(listed) == reference.ids, "documents missing from `stories`"
    assert max(listed.values()) == 1, "a document listed in two stories"
    assert set(now.state) == reference.ids, "documents missing from the reconcile state"
