"""A whole store to one file and back (``newsledger export`` / ``newsledger import``).

The point is that nothing is lost across stores (SQLite to PostgreSQL and back) and versions (an
export made by an older newsledger is imported by a newer one). So the export is generic: every
table of ``schema.metadata``, in dependency order, row by row, with no per-table code, and a
table added to the schema later is exported and imported with no change here. It is JSON Lines,
streamed both ways so a store larger than memory moves too::

    {"format": "newsledger-export", "version": 1, "schema": "0007",
     "tables": ["documents", ...], "rows": {"documents": 15, ...}}
    {"table": "documents", "row": {"id": "...", "signature": "<base64>", ...}}

Bytes are base64 and dates ISO strings, decoded on import by the column's type. ``rows`` lets an
import tell a file cut at a line boundary from a complete one. Not exported: the Alembic version
table (the header carries the revision) and the web app's full-text index (``web_search``, an
FTS5 table outside the schema, derived from documents and claims and rebuilt on first search).

An import runs in one transaction, so a damaged file leaves the store as it was. Into an empty
store every row keeps its values, ids included: the round trip is exact. Into a non-empty one
(an import run twice, or two stores merged) a row that is already there is skipped and counted:

- rows keyed by content (documents by body hash, story membership, reconcile state) are skipped
  when their primary key exists;
- rows numbered by the store (integer ids, ``documents.seq``) are matched on a unique
  constraint when the table has one (provenance: document, input, record), else on everything
  but the number; the new ones are renumbered after the store's own, and references to them
  follow;
- rows owned by a document that was already there (``ondelete="CASCADE"``: its entities,
  claims, changes) are skipped with it: the store holds that document's extraction already;
- the ledger's tables (:data:`LEDGER_TABLES`) are taken only by a store without a reconcile
  state of its own: a store that has one keeps its stories, change log and briefings, and its
  ledger places the imported documents itself (the CLI runs that catch-up after the import).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, NoReturn

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    LargeBinary,
    Table,
    Time,
    UniqueConstraint,
    and_,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import SQLAlchemyError

from newsledger.store import Store, migrations, schema

__all__ = [
    "FORMAT",
    "LEDGER_TABLES",
    "VERSION",
    "ExportReport",
    "ImportReport",
    "TransferError",
    "export_store",
    "import_store",
]

FORMAT = "newsledger-export"
VERSION = 1
#: Rows fetched, looked up and inserted together.
BATCH = 500
#: What the ledger (reconcile) keeps about the store as a whole: its indexes' state, each
#: document's story, the change log and the briefings, which point into each other (a briefing
#: names the last change it covered). Merged into another ledger they would contradict it.
LEDGER_TABLES = ("reconcile_state", "story_members", "changes", "briefings")
#: Columns the store numbers itself (``max + 1``), not the database: renumbered like ids.
COUNTERS = {"documents": ("seq",)}

#: What to do about a file that is not what ``export`` wrote.
DAMAGED = "The file is damaged or was cut short; export the store again."
#: What to do when the database refuses rows (a damaged file, or one made for another store).
REFUSED = "Export the store again, or import the file into a new store."

#: ``progress(rows done, rows in all)``, called after each batch.
Progress = Callable[[int, int], None]


class TransferError(Exception):
    """An export file that cannot be imported (or written): says where, what, and the fix."""

    def __init__(self, path: Path, line: int | None, problem: str, fix: str) -> None:
        where = f"{path}" if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {problem}. {fix}")
        self.path = path
        self.line = line


@dataclass
class ExportReport:
    """What an export wrote: the schema revision and the rows of each table."""

    path: Path
    schema: str
    rows: dict[str, int]

    def to_json(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "schema": self.schema,
            "rows": sum(self.rows.values()),
            "tables": {name: {"rows": n} for name, n in self.rows.items()},
        }


@dataclass
class ImportReport:
    """What an import did, per table: rows inserted, and rows skipped as already there."""

    path: Path
    schema: str
    inserted: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    #: The store had a ledger of its own, so the file's ledger tables were not taken.
    kept_ledger: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "schema": self.schema,
            "inserted": sum(self.inserted.values()),
            "skipped": sum(self.skipped.values()),
            "kept_ledger": self.kept_ledger,
            "tables": {
                name: {"inserted": self.inserted[name], "skipped": self.skipped[name]}
                for name in self.inserted
            },
        }


# --- export ----------------------------------------------------------------------------------


def export_store(store: Store, path: Path, progress: Progress | None = None) -> ExportReport:
    """Write every row of the store to ``path`` (JSON Lines), from one consistent snapshot.

    Written to ``PATH.partial`` and renamed when complete, so a failed export never leaves a
    file that looks whole. A store being written meanwhile (``watch``) is exported as it was
    when the export began.
    """
    tables = schema.metadata.sorted_tables
    partial = path.with_name(path.name + ".partial")
    with _snapshot(store) as connection:
        revision = MigrationContext.configure(connection).get_current_revision() or ""
        rows = {
            t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
            for t in tables
        }
        total, done = sum(rows.values()), 0
        header = {
            "format": FORMAT,
            "version": VERSION,
            "schema": revision,
            "tables": [t.name for t in tables],
            "rows": rows,
        }
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as out:
                _write_line(out, header)
                for table in tables:
                    query = select(table).order_by(*table.primary_key.columns)
                    result = connection.execution_options(yield_per=BATCH).execute(query)
                    for batch in result.mappings().partitions():
                        for row in batch:
                            _write_line(out, {"table": table.name, "row": _encode(table, row)})
                        done += len(batch)
                        if progress:
                            progress(done, total)
            partial.replace(path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise TransferError(
                path, None, f"cannot write the export: {exc}", "Check the path and free space."
            ) from exc
    return ExportReport(path, revision, rows)


@contextmanager
def _snapshot(store: Store) -> Iterator[Connection]:
    """A read-only connection that sees one state of the store across all its tables.

    PostgreSQL's default (read committed) gives each query its own snapshot, and the SQLite
    driver opens no transaction for reads, so without this a document stored mid-export could
    appear in one table and not in the next.
    """
    with store.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        elif connection.dialect.name == "sqlite":
            _sqlite_begin(connection, "BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


def _write_line(out: IO[str], record: Mapping[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def _encode(table: Table, row: RowMapping) -> dict[str, Any]:
    return {column.name: _to_json(table, column, row[column.name]) for column in table.columns}


def _to_json(table: Table, column: Column[Any], value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float | dict | list):
        return value
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    # A column type added to the schema that this format does not know yet: fail the export
    # rather than write something the import cannot read back as it was.
    raise TypeError(f"{table.name}.{column.name}: no export encoding for {type(value).__name__}")


# --- import ----------------------------------------------------------------------------------


def import_store(store: Store, path: Path, progress: Progress | None = None) -> ImportReport:
    """Add every row of the export at ``path`` to the store (already upgraded), atomically.

    Raises :class:`TransferError` for a file that is not an export, is damaged or truncated,
    or comes from a newer schema than this code's; the store is then left as it was.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise TransferError(path, None, f"cannot read it: {exc}", "Check the path.") from exc
    with handle:
        lines = _lines(path, handle)
        header = _header(path, next(lines, None))
        report = ImportReport(path, header["schema"])
        try:
            with store.engine.begin() as connection:
                _lock(connection)
                importer = _Importer(connection, path, header, report)
                for number, record in lines:
                    importer.add(number, record)
                    if progress and importer.seen % BATCH == 0:
                        progress(importer.seen, importer.total)
                importer.finish()
        except SQLAlchemyError as exc:
            raise TransferError(
                path,
                None,
                f"the store refused the rows: {getattr(exc, 'orig', None) or exc}",
                REFUSED,
            ) from exc
    if progress:
        progress(importer.seen, importer.total)
    return report


def _lines(path: Path, handle: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each line parsed as a JSON object, with its number; a damaged line is an error."""
    for number, raw in enumerate(handle, start=1):
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            cut = "" if raw.endswith(b"\n") else " (the line is cut short)"
            raise TransferError(path, number, f"not a JSON line{cut}: {exc}", DAMAGED) from None
        if not isinstance(record, dict):
            raise TransferError(path, number, "not a JSON object", DAMAGED)
        yield number, record


def _header(path: Path, first: tuple[int, dict[str, Any]] | None) -> dict[str, Any]:
    """The export's first line, checked: our format, a version and schema this code reads."""
    if first is None:
        raise TransferError(path, None, "the file is empty", "Export the store again.")
    number, header = first
    if header.get("format") != FORMAT:
        raise TransferError(
            path,
            number,
            f"not a newsledger export (no {FORMAT!r} header)",
            "Give a file written by `newsledger export`.",
        )
    if header.get("version") != VERSION:
        raise TransferError(
            path,
            number,
            f"export format version {header.get('version')!r}; this newsledger reads {VERSION}",
            "Import it with the newsledger version that wrote it.",
        )
    tables, rows = header.get("tables"), header.get("rows")
    if not (
        isinstance(tables, list)
        and isinstance(rows, dict)
        and all(isinstance(name, str) and isinstance(rows.get(name), int) for name in tables)
    ):
        raise TransferError(
            path, number, "the header lacks its table list", "Export the store again."
        )
    scripts = ScriptDirectory.from_config(migrations())
    known = {script.revision for script in scripts.walk_revisions()}
    if header.get("schema") not in known:
        raise TransferError(
            path,
            number,
            f"the export's schema revision {header.get('schema')!r} is newer than this "
            f"newsledger's ({scripts.get_current_head()})",
            "Upgrade newsledger, then import again.",
        )
    unknown = [name for name in tables if name not in schema.metadata.tables]
    if unknown:
        raise TransferError(
            path, number, f"unknown tables {unknown}", "Import it with a newer newsledger."
        )
    return header


def _numbered(table: Table) -> tuple[str, ...]:
    """Columns the store numbers: an integer surrogate key and the table's counters."""
    key = table.autoincrement_column
    return ((key.name,) if key is not None else ()) + COUNTERS.get(table.name, ())


def _identity(table: Table) -> tuple[list[tuple[str, ...]], bool]:
    """The column sets that tell a row is already in the store, and whether they are its
    whole content (no key but its number) rather than a key (see the module's docstring)."""
    numbered = set(_numbered(table))
    primary = tuple(c.name for c in table.primary_key.columns)
    if not numbered & set(primary):
        return [primary], False
    uniques = [
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
        and not numbered & set(constraint.columns.keys())
    ]
    if uniques:
        return uniques, False
    return [tuple(c.name for c in table.columns if c.name not in numbered)], True


def _referenced(table: Table) -> bool:
    """Whether rows of other tables (or its own) point at this table's rows."""
    return any(
        key.column.table is table
        for other in schema.metadata.tables.values()
        for key in other.foreign_keys
    )


@dataclass
class _TableState:
    """One table during an import: how to renumber its rows, and which were already there."""

    table: Table
    #: Numbered column -> the store's highest number before the import (0: empty).
    offsets: dict[str, int]
    empty: bool
    #: Source primary keys of rows not inserted, for tables other rows refer to.
    present: set[tuple[Any, ...]] = field(default_factory=set)
    #: Numbered column -> {source number: the store's number} for rows found already there.
    matched: dict[str, dict[Any, Any]] = field(default_factory=dict)
    #: (primary key, column, value) of references to its own rows, set once all are in.
    deferred: list[tuple[dict[str, Any], str, Any]] = field(default_factory=list)
    columns: frozenset[str] | None = None


#: Rows with the number of the line each came from.
_Lines = list[tuple[int, dict[str, Any]]]


class _Importer:
    """Rows in file order into one connection's transaction, a batch of one table at a time."""

    def __init__(
        self, connection: Connection, path: Path, header: dict[str, Any], report: ImportReport
    ) -> None:
        self.connection = connection
        self.path = path
        self.order: list[str] = header["tables"]
        self.expected: dict[str, int] = {name: header["rows"][name] for name in self.order}
        self.total = sum(self.expected.values())
        self.report = report
        self.counts = dict.fromkeys(self.order, 0)
        report.inserted = dict.fromkeys(self.order, 0)
        report.skipped = dict.fromkeys(self.order, 0)
        self.seen = 0
        self.states: dict[str, _TableState] = {}
        self.current: _TableState | None = None
        self.batch: _Lines = []
        self.last_line = 1
        ledger = connection.execute(select(func.count()).select_from(schema.reconcile_state))
        report.kept_ledger = bool(ledger.scalar_one())
        self._check_order()

    def _check_order(self) -> None:
        """Every table must come after the tables it refers to, or its rows cannot go in."""
        position = {name: n for n, name in enumerate(self.order)}
        for name in self.order:
            for key in schema.metadata.tables[name].foreign_keys:
                parent = key.column.table.name
                if position.get(parent, -1) > position[name]:
                    raise TransferError(
                        self.path,
                        1,
                        f"table {name} is listed before {parent}, which it refers to",
                        "Export the store again with `newsledger export`.",
                    )

    def add(self, number: int, record: dict[str, Any]) -> None:
        """One row line of the file; written with the rest of its batch."""
        name, row = record.get("table"), record.get("row")
        if not isinstance(name, str) or not isinstance(row, dict):
            self._fail(number, 'not a row: expected {"table": ..., "row": {...}}')
        if name not in self.counts:
            self._fail(number, f"a row of table {name!r}, which the header does not list")
        self.last_line = number
        if self.current is None or self.current.table.name != name:
            self._start(number, name)
        self.counts[name] += 1
        self.seen += 1
        self.batch.append((number, row))
        if len(self.batch) >= BATCH:
            self._flush()

    def finish(self) -> None:
        """Write what is left, check nothing is missing, and bring sequences up to date."""
        self._end_table()
        for name, expected in self.expected.items():
            if self.counts[name] != expected:
                self._fail(
                    self.last_line,
                    f"the file ends here with {self.counts[name]} of the {expected} rows of "
                    f"table {name}: it is truncated",
                )
        if self.connection.dialect.name == "postgresql":
            for state in self.states.values():
                _advance_sequence(self.connection, state.table)

    def _fail(self, number: int, problem: str, fix: str = DAMAGED) -> NoReturn:
        raise TransferError(self.path, number, problem, fix)

    def _start(self, number: int, name: str) -> None:
        if self.current and self.order.index(name) < self.order.index(self.current.table.name):
            self._fail(number, f"a row of table {name} after those of later tables")
        self._end_table()
        table = schema.metadata.tables[name]
        offsets = {
            column: int(
                self.connection.execute(
                    select(func.coalesce(func.max(table.c[column]), 0))
                ).scalar_one()
            )
            for column in _numbered(table)
        }
        empty = self.connection.execute(select(table).limit(1)).first() is None
        self.current = self.states[name] = _TableState(table, offsets, empty)

    def _end_table(self) -> None:
        """The last batch of the current table, then its rows' references to each other."""
        self._flush()
        state = self.current
        if state is None:
            return
        for primary, column, value in state.deferred:
            where = and_(*(state.table.c[k] == v for k, v in primary.items()))
            self.connection.execute(update(state.table).where(where).values({column: value}))
        state.deferred.clear()

    def _flush(self) -> None:
        """Decode the batch in hand, leave out what is already there, renumber, insert."""
        state, batch = self.current, self.batch
        if state is None or not batch:
            return
        self.batch = []
        name = state.table.name
        rows = [(n, self._decode(state, n, row)) for n, row in batch]
        new: _Lines = []
        if not (name in LEDGER_TABLES and self.report.kept_ledger):
            owners = [(n, row, self._owner(state, row)) for n, row in rows]
            known = [(n, self._refer(state, n, r)) for n, r, owner in owners if owner is False]
            unsure = [(n, self._refer(state, n, r)) for n, r, owner in owners if owner is None]
            new = sorted(known + self._absent(state, unsure), key=lambda pair: pair[0])
        if new:
            try:
                rows_in = [self._renumber(state, r) for _, r in new]
                self.connection.execute(insert(state.table), rows_in)
            except SQLAlchemyError as exc:
                self._fail(
                    batch[0][0],
                    f"the store refused the {name} rows of lines {batch[0][0]}-{batch[-1][0]}: "
                    f"{getattr(exc, 'orig', None) or exc}",
                    REFUSED,
                )
        self.report.inserted[name] += len(new)
        self.report.skipped[name] += len(rows) - len(new)
        if _referenced(state.table):
            inserted = {n for n, _ in new}
            primary = [c.name for c in state.table.primary_key.columns]
            state.present.update(
                tuple(row[k] for k in primary) for n, row in rows if n not in inserted
            )

    def _decode(self, state: _TableState, number: int, row: dict[str, Any]) -> dict[str, Any]:
        columns = frozenset(row)
        if state.columns is None:
            unknown = columns - set(state.table.c.keys())
            if unknown:
                self._fail(number, f"table {state.table.name} has no columns {sorted(unknown)}")
            state.columns = columns
        elif columns != state.columns:
            self._fail(number, f"the row's columns differ from the other {state.table.name} rows")
        try:
            return {key: _from_json(state.table.c[key], value) for key, value in row.items()}
        except (ValueError, TypeError, binascii.Error) as exc:
            self._fail(number, f"a value of table {state.table.name} is damaged: {exc}")

    def _owner(self, state: _TableState, row: dict[str, Any]) -> bool | None:
        """Whether the row is part of (``ondelete="CASCADE"``) a row already in the store
        (True: it came with it) or of a row this import added (False: it is new too);
        None when it belongs to no row of the file."""
        owned = None
        for key in state.table.foreign_keys:
            parent = self.states.get(key.column.table.name)
            value = row.get(key.parent.name)
            if key.ondelete != "CASCADE" or parent is None or value is None:
                continue
            if (value,) in parent.present:
                return True
            owned = False
        return owned

    def _absent(self, state: _TableState, rows: _Lines) -> _Lines:
        """The rows not in the store yet; numbered rows found there are mapped to its numbers."""
        if state.empty or not rows:
            return rows
        keys, by_content = _identity(state.table)
        numbered = _numbered(state.table)
        found: set[int] = set()
        for identity in keys:
            lookup = self._by_content if by_content else self._by_key
            for position, stored in lookup(state.table, identity, [r for _, r in rows]):
                found.add(position)
                for column in numbered:
                    source = rows[position][1].get(column)
                    state.matched.setdefault(column, {})[source] = stored[column]
        return [pair for position, pair in enumerate(rows) if position not in found]

    def _wanted(self, table: Table, identity: tuple[str, ...]) -> list[Column[Any]]:
        return [c for c in table.columns if c.name in identity or c.name in _numbered(table)]

    def _by_key(
        self, table: Table, identity: tuple[str, ...], rows: list[dict[str, Any]]
    ) -> Iterator[tuple[int, RowMapping]]:
        """(position in ``rows``, the store's row) for each row whose key is in the store."""
        columns = [table.c[name] for name in identity]
        keys = {tuple(row.get(name) for name in identity): n for n, row in enumerate(rows)}
        if len(columns) == 1:
            where = columns[0].in_([key[0] for key in keys])
        else:
            where = tuple_(*columns).in_(list(keys))
        for stored in self.connection.execute(select(*self._wanted(table, identity)).where(where)):
            position = keys.get(tuple(stored._mapping[name] for name in identity))
            if position is not None:
                yield position, stored._mapping

    def _by_content(
        self, table: Table, identity: tuple[str, ...], rows: list[dict[str, Any]]
    ) -> Iterator[tuple[int, RowMapping]]:
        """The same for rows with no key but their number: every value equal (NULL = NULL),
        one query per row; only rows that belong to no row of the file get here."""
        wanted = self._wanted(table, identity)
        for n, row in enumerate(rows):
            same = and_(*(table.c[name].is_not_distinct_from(row.get(name)) for name in identity))
            stored = self.connection.execute(select(*wanted).where(same).limit(1)).first()
            if stored is not None:
                yield n, stored._mapping

    def _refer(self, state: _TableState, number: int, row: dict[str, Any]) -> dict[str, Any]:
        """The row with its references to numbered rows turned into the store's numbers."""
        row = dict(row)
        for key in state.table.foreign_keys:
            column, value = key.parent.name, row.get(key.parent.name)
            parent = self.states.get(key.column.table.name)
            if value is None or parent is None or key.column.name not in parent.offsets:
                continue
            matched = parent.matched.get(key.column.name, {})
            if value in matched:
                row[column] = matched[value]
            elif (value,) in parent.present:
                self._fail(number, f"{column} refers to a row whose number here is unknown")
            else:
                row[column] = value + parent.offsets[key.column.name]
        return row

    def _renumber(self, state: _TableState, row: dict[str, Any]) -> dict[str, Any]:
        """A new row numbered after the store's own; references to its own table set later
        (by :meth:`_end_table`), as the row they name may come after it."""
        for column, offset in state.offsets.items():
            if row.get(column) is not None:
                row[column] += offset
        for key in state.table.foreign_keys:
            if key.column.table is state.table and row.get(key.parent.name) is not None:
                primary = {c.name: row[c.name] for c in state.table.primary_key.columns}
                state.deferred.append((primary, key.parent.name, row[key.parent.name]))
                row[key.parent.name] = None
        return row


def _lock(connection: Connection) -> None:
    """Keep other writers (``ingest``, ``watch``) out until the import commits.

    The import numbers new rows after the store's highest ids as it finds them; a writer
    taking ids meanwhile would collide with them. Readers (the web app) are not blocked.
    """
    if connection.dialect.name == "postgresql":
        quote = connection.dialect.identifier_preparer.quote
        names = ", ".join(quote(t.name) for t in schema.metadata.sorted_tables)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
    elif connection.dialect.name == "sqlite":
        _sqlite_begin(connection, "BEGIN IMMEDIATE")


def _sqlite_begin(connection: Connection, begin: str) -> None:
    """Open the SQLite transaction now: the driver opens none for reads, and otherwise only
    at the first write. Where the engine begins transactions itself, its own stands."""
    connection.exec_driver_sql("SELECT 1")  # lets such an engine begin
    if not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql(begin)


def _from_json(column: Column[Any], value: Any) -> Any:
    """A value as the column's type wants it (the inverse of :func:`_to_json`)."""
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value, validate=True)
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Time):
        return time.fromisoformat(value)
    return value


def _advance_sequence(connection: Connection, table: Table) -> None:
    """Set a serial column's sequence past the ids inserted explicitly.

    PostgreSQL does not move a sequence for rows given their id, so the next ``INSERT``
    without one would be handed an id already taken.
    """
    key = table.autoincrement_column
    if key is None:
        return
    sequence = func.pg_get_serial_sequence(table.name, key.name)
    query = select(func.setval(sequence, func.coalesce(func.max(key), 0) + 1, False))
    connection.execute(query)
