"""Build tests/fixtures/store-schema-0001.db: a small store as the first schema wrote it.

Why this exists: a store written by an early newsledger must still open, upgraded in place by
the Alembic migrations, with nothing lost. tests/test_transfer.py opens a copy of this file
with today's ``Store`` and checks its documents and provenance. Creating the fixture with
today's code would only test today's schema, so this script upgrades a new SQLite database to
revision 0001 alone and writes its rows with plain SQL in that revision's columns (checked
against the table as created, so a column 0001 lacks fails here, not in the test).

The articles are invented. Their ids and MinHash signatures are computed the way ingest does
(``document_id``, ``signature``), as the code of revision 0001 computed them, so re-ingesting
an article finds it already stored. Rerun from the repository root after changing it:

    .venv/bin/python tools/make_schema_fixture.py [--out PATH]

The test regenerates the file and compares its rows with the committed one.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, inspect, text

from newsledger.ingest.dedup import signature
from newsledger.ingest.document import document_id
from newsledger.store import migrations

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "store-schema-0001.db"
REVISION = "0001"

ORIGINAL = (
    "Crews reopened the Tarnbridge bypass on Tuesday after a lorry spilled forty tonnes of "
    "gravel across both lanes, the county highways office said. About 300 vehicles were "
    "diverted through the village during the six-hour closure, according to police."
)
#: A near copy: the same wire story under another outlet, with a line added.
COPY = ORIGINAL + " Photographs of the spill appear on page five."


def _document(body: str, seq: int, **fields: Any) -> dict[str, Any]:
    sig = signature(body)
    row: dict[str, Any] = {
        "id": document_id(body),
        "seq": seq,
        "url": None,
        "path": None,
        "title": "Tarnbridge bypass reopens after gravel spill",
        "outlet": None,
        "published": None,
        "published_source": "none",
        "published_unsure": False,
        "updated": None,
        "updated_source": "none",
        "author": None,
        "section": None,
        "partial": False,
        "duplicate_of": None,
        "body": body,
        "signature": sig.to_bytes(),
        "shingles": sig.shingles,
        "ingested_at": "2025-01-14T09:30:00+00:00",
    }
    row.update(fields)
    return row


def rows() -> dict[str, list[dict[str, Any]]]:
    """The fixture's rows, table by table, in revision 0001's columns."""
    original = _document(
        ORIGINAL,
        1,
        url="https://tarnbridge-herald.example/news/bypass-reopens",
        outlet="Tarnbridge Herald",
        published="2025-01-14T08:05:00+00:00",
        published_source="header",
        author="Sam Okafor",
        section="Local",
    )
    copy = _document(
        COPY,
        2,
        path="inbox/valley-post-bypass.txt",
        outlet="Valley Post",
        published="2025-01-14",
        published_source="widget",
        published_unsure=True,
        duplicate_of=original["id"],
    )
    sources = [
        (original["id"], "https://tarnbridge-herald.example/news/bypass-reopens", -1, "html"),
        (copy["id"], "inbox/valley-post-bypass.txt", -1, "scraped"),
        (original["id"], "archive/herald-2025-01-14.warc.gz", 3, "warc"),
    ]
    provenance = [
        {
            "id": n,
            "document_id": doc,
            "input": source,
            "record": record,
            "raw_sha256": f"{n:064x}",
            "format": kind,
            "encoding": "utf-8",
            "ingested_at": "2025-01-14T09:30:00+00:00",
        }
        for n, (doc, source, record, kind) in enumerate(sources, start=1)
    ]
    return {"documents": [original, copy], "provenance": provenance}


def make(out: Path) -> None:
    """Write the fixture to ``out`` (replacing it)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{out}")
    with engine.begin() as connection:
        command.upgrade(migrations(connection), REVISION)
        tables = inspect(connection)
        for table, records in rows().items():
            columns = {c["name"] for c in tables.get_columns(table)}
            missing = set(records[0]) - columns
            if missing:
                raise SystemExit(f"revision {REVISION}'s {table} has no columns {missing}")
            names = list(records[0])
            statement = text(
                f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 (names are ours)
                f"VALUES ({', '.join(':' + n for n in names)})"
            )
            connection.execute(statement, records)
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT}")
    make(parser.parse_args().out)


if __name__ == "__main__":
    main()
