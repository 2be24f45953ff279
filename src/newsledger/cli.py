"""The ``newsledger`` command: parse arguments, call a stage, print. Nothing else lives here."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from newsledger import pipeline
from newsledger.config import Limits
from newsledger.ingest import expand
from newsledger.model import Claim, Document, Extraction, LoggedChange
from newsledger.report import Format, render, write
from newsledger.scale import EngineName, make_engine
from newsledger.store import Store, transfer

app = typer.Typer(
    help="Attributed claims and figures from developing news, with a citation behind every line.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="SQLite path or SQLAlchemy URL; default $NEWSLEDGER_DB or ./newsledger.db"
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
PathsArgument = Annotated[
    list[str], typer.Argument(help="Files, folders (recursive) or http(s) URLs.")
]


def _limits(
    max_file_size: int, max_decompressed_size: int, max_records: int, allow_private_addresses: bool
) -> Limits:
    return Limits(
        max_file_size=max_file_size,
        max_decompressed_size=max_decompressed_size,
        max_records=max_records,
        allow_private_addresses=allow_private_addresses,
    )


MaxFile = Annotated[int, typer.Option(help="Largest input file read, in bytes.")]
MaxInflated = Annotated[int, typer.Option(help="Largest size after gunzip, in bytes.")]
MaxRecords = Annotated[int, typer.Option(help="Most records read from one archive, feed or dump.")]
AllowPrivate = Annotated[
    bool, typer.Option(help="Allow fetching URLs on loopback, private or link-local addresses.")
]


def _open_store(db: str | None) -> Store:
    try:
        return Store(db)
    except (SQLAlchemyError, OSError) as exc:
        console.print(
            f"[red]Cannot open the store {db or ''}:[/red] {exc}\n"
            "Check the --db path or URL (and that the database server is running)."
        )
        raise typer.Exit(2) from exc


@app.command()
def ingest(
    paths: PathsArgument,
    db: DbOption = None,
    as_json: JsonOption = False,
    max_file_size: MaxFile = Limits.max_file_size,
    max_decompressed_size: MaxInflated = Limits.max_decompressed_size,
    max_records: MaxRecords = Limits.max_records,
    allow_private_addresses: AllowPrivate = False,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes for extraction; default: one per core."),
    ] = None,
    engine: Annotated[
        EngineName, typer.Option(help="local: worker processes here; dask: a Dask cluster.")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786); default: a LocalCluster."),
    ] = None,
) -> None:
    """Read articles into the store; exit 1 when some inputs failed (the rest are kept)."""
    limits = _limits(max_file_size, max_decompressed_size, max_records, allow_private_addresses)
    store = _open_store(db)
    inputs = expand(paths)
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task("", total=len(inputs))

        def done(item: object) -> None:
            progress.update(task, advance=1, description=str(item)[-50:])

        runner = make_engine(engine, workers, scheduler)
        try:
            report = pipeline.ingest(store, inputs, limits, done, engine=runner)
        finally:
            runner.close()
    store.close()
    if as_json:
        out.print_json(json.dumps(report.to_json()))
    else:
        _print_report(report)
    raise typer.Exit(1 if report.failures else 0)


def _print_report(report: pipeline.IngestReport) -> None:
    table = Table(title="ingest")
    for column in ("ingested", "duplicate", "near-duplicate", "failed"):
        table.add_column(column, justify="right")
    table.add_row(
        str(report.ingested),
        str(report.duplicate),
        str(report.near_duplicate),
        str(len(report.failures)),
    )
    out.print(table)
    for failure in report.failures:
        out.print(f"[red]failed[/red] {escape(str(failure))}", markup=True)


@app.command()
def extract(
    paths: PathsArgument,
    as_json: JsonOption = True,
    max_file_size: MaxFile = Limits.max_file_size,
    max_decompressed_size: MaxInflated = Limits.max_decompressed_size,
    max_records: MaxRecords = Limits.max_records,
    allow_private_addresses: AllowPrivate = False,
) -> None:
    """Read articles in memory (no store) and print one JSON object per document (JSON Lines).

    Failed inputs are named on standard error; exit 1 when some failed.
    """
    limits = _limits(max_file_size, max_decompressed_size, max_records, allow_private_addresses)
    extractions, failures = pipeline.extract(paths, limits)
    for extraction in extractions:
        sys.stdout.write(json.dumps(extraction.to_json(), ensure_ascii=False) + "\n")
    for failure in failures:
        console.print(f"failed {failure}", markup=False)
    raise typer.Exit(1 if failures else 0)


@app.command("documents")
def list_documents(
    db: DbOption = None,
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option(help="How many to list.")] = 100,
    offset: Annotated[int, typer.Option(help="How many to skip.")] = 0,
) -> None:
    """List stored documents, in ingest order."""
    store = _open_store(db)
    documents = store.documents(limit=limit, offset=offset)
    total = store.count()
    store.close()
    if as_json:
        payload = {"total": total, "documents": [_summary(d) for d in documents]}
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    table = Table(title=f"{total} documents")
    for column in ("id", "published", "outlet", "title", "copy of"):
        table.add_column(column, overflow="fold")
    for d in documents:
        published = (d.published.value or "?") + (" (unsure)" if d.published.unsure else "")
        table.add_row(
            d.id[:12], published, d.outlet or "", d.title or "", (d.duplicate_of or "")[:12]
        )
    out.print(table, markup=False)


def _summary(document: Document) -> dict[str, object]:
    full = document.to_json()
    return {
        key: full[key]
        for key in (
            "id",
            "title",
            "outlet",
            "published",
            "published_source",
            "published_unsure",
            "url",
            "path",
            "duplicate_of",
        )
    }


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id or an unambiguous prefix of it.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one stored document with its metadata and clean body."""
    store = _open_store(db)
    document = store.get(doc_id)
    store.close()
    if document is None:
        console.print(
            f"No single document matches {doc_id!r}; list ids with `newsledger documents`.",
            markup=False,
        )
        raise typer.Exit(1)
    if as_json:
        out.print_json(json.dumps(document.to_json(), ensure_ascii=False))
        return
    data = document.to_json()
    for key in (
        "id",
        "title",
        "outlet",
        "author",
        "section",
        "url",
        "path",
        "published",
        "published_source",
        "published_unsure",
        "updated",
        "duplicate_of",
        "partial",
    ):
        out.print(f"{key:>17}: {data[key]}", markup=False)
    out.print("", markup=False)
    out.print(document.body, markup=False)


@app.command("stories")
def list_stories(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The stories of the store: each developing event and the documents that report it."""
    store = _open_store(db)
    stories = [(story_id, store.documents_by_id(ids)) for story_id, ids in store.stories().items()]
    store.close()
    payload = [_story_summary(story_id, docs) for story_id, docs in stories]
    payload.sort(key=lambda s: (-len(s["documents"]), s["first"] or ""))
    if as_json:
        out.print_json(json.dumps({"stories": payload}, ensure_ascii=False))
        return
    table = Table(title=f"{len(payload)} stories")
    for column in ("story", "documents", "outlets", "from", "to", "title"):
        table.add_column(column, overflow="fold")
    for s in payload:
        table.add_row(
            s["id"][:12],
            str(len(s["documents"])),
            str(len(s["outlets"])),
            s["first"] or "?",
            s["last"] or "?",
            s["title"],
        )
    out.print(table, markup=False)


def _story_summary(story_id: str, documents: list[Document]) -> dict[str, Any]:
    dates = sorted(d.published.value for d in documents if d.published.value)
    first = next((d for d in documents if d.id == story_id), documents[0])
    return {
        "id": story_id,
        "title": first.title or "",
        "documents": [_summary(d) for d in documents],
        "outlets": sorted({d.outlet for d in documents if d.outlet}),
        "first": dates[0] if dates else None,
        "last": dates[-1] if dates else None,
    }


@app.command("brief")
def brief_command(
    db: DbOption = None,
    story: Annotated[
        str | None, typer.Option(help="One story's id (or a prefix); default: every story.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="ISO date: also list what was first reported after it.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="md, html or json.")] = "md",
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write here (Markdown: charts beside it); default: stdout."),
    ] = None,
) -> None:
    """The "What we know" briefing: key figures, timeline, who said what, contradictions."""
    store = _open_store(db)
    try:
        mark = store.last_change()
        briefing = pipeline.build_briefing(store, story, since, through=mark)
        if briefing.stories:
            store.save_briefing(briefing, mark)
    except KeyError:
        console.print(
            f"No single story matches {story!r}; list them with `newsledger stories`.",
            markup=False,
        )
        raise typer.Exit(1) from None
    finally:
        store.close()
    if not briefing.stories:
        console.print("The store holds no stories yet; ingest articles first.", markup=False)
        raise typer.Exit(1)
    if out_file is None:
        sys.stdout.write(render(briefing, fmt) + "\n")
        return
    for path in write(briefing, fmt, out_file):
        console.print(f"wrote {path}", markup=False)


@app.command("claims")
def list_claims(
    db: DbOption = None,
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option(help="How many documents to cover.")] = 100,
    offset: Annotated[int, typer.Option(help="How many documents to skip.")] = 0,
    figures_only: Annotated[bool, typer.Option(help="Only claims that state a figure.")] = True,
) -> None:
    """Who said what: the stored claims of each document, with their figures and dates."""
    store = _open_store(db)
    ids = [d.id for d in store.documents(limit=limit, offset=offset)]
    found = store.extractions(ids)
    store.close()
    extractions = [found[i] for i in ids if i in found]
    if as_json:
        sys.stdout.write(
            "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in extractions)
        )
        return
    table = Table(title="claims")
    for column in ("document", "source", "certainty", "figures", "when"):
        table.add_column(column, overflow="fold")
    for extraction in extractions:
        for claim in extraction.claims:
            if figures_only and not claim.quantities:
                continue
            table.add_row(*_claim_row(extraction, claim))
    out.print(table, markup=False)


def _claim_row(extraction: Extraction, claim: Claim) -> tuple[str, str, str, str, str]:
    document = extraction.document
    where = f"{document.outlet or '?'} {document.published.value or '?'}"
    if claim.source is None:
        source = "(unnamed)" if claim.cue else "(the outlet)"
    else:
        source = claim.source.canonical or claim.source.text
    figures = "; ".join(q.text for q in claim.quantities)
    when = "; ".join(f"{t.text}={t.date or '?'}" for t in claim.when)
    return where, source, claim.certainty, figures, when


# --- export / import: a whole store to one file and back (newsledger.store.transfer) ----------

ExportFile = Annotated[
    Path,
    typer.Argument(help="The export to write (JSON Lines).", dir_okay=False, metavar="OUT.jsonl"),
]
ImportFile = Annotated[
    Path,
    typer.Argument(
        help="An export written by `newsledger export`.",
        exists=True,
        dir_okay=False,
        metavar="IN.jsonl",
    ),
]


@contextmanager
def _rows_progress(verb: str, disable: bool) -> Iterator[transfer.Progress]:
    """A progress bar over rows, as a ``transfer`` progress callback."""
    columns = (TextColumn(f"[bold]{verb}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=disable) as progress:
        task = progress.add_task("", total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


_R = TypeVar("_R")


def _transfer(
    db: str | None, verb: str, as_json: bool, work: Callable[[Store, transfer.Progress], _R]
) -> _R:
    """Run an export or import on the store with a progress bar; a damaged or unwritable file
    is named in red and exits 1."""
    store = _open_store(db)
    try:
        with _rows_progress(verb, as_json) as progress:
            return work(store, progress)
    except transfer.TransferError as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from exc
    finally:
        store.close()


@app.command("export")
def export_command(out_file: ExportFile, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Write the whole store to one file: documents, claims, stories, facts, briefings, changes.

    `newsledger import` reads it into another store (SQLite or PostgreSQL, this version or a
    later one). Exit 1 when the file cannot be written.
    """
    report = _transfer(
        db, "export", as_json, lambda store, rows: transfer.export_store(store, out_file, rows)
    )
    if as_json:
        out.print_json(json.dumps(report.to_json()))
        return
    table = Table(title=f"export (schema {report.schema})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in report.rows.items():
        table.add_row(name, str(rows))
    out.print(table, markup=False)
    console.print(f"wrote {out_file}", markup=False)


@app.command("import")
def import_command(in_file: ImportFile, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Add an export's rows to the store, new or not; rows already there are skipped.

    The store is upgraded first, and its ledger then places any document it has not seen (so
    a merged store's stories cover the imported documents). One transaction: a damaged file
    changes nothing (exit 1, naming the line).
    """

    def work(store: Store, rows: transfer.Progress) -> transfer.ImportReport:
        report = transfer.import_store(store, in_file, rows)
        pipeline.Ledger(store).save()
        return report

    report = _transfer(db, "import", as_json, work)
    if as_json:
        out.print_json(json.dumps(report.to_json()))
        return
    table = Table(title=f"import (schema {report.schema})")
    for column in ("table", "inserted", "skipped"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name in report.inserted:
        table.add_row(name, str(report.inserted[name]), str(report.skipped[name]))
    out.print(table, markup=False)
    if report.kept_ledger:
        console.print(
            "The store had stories of its own: it kept them, its change log and briefings, "
            "and placed the imported documents in its stories.",
            markup=False,
        )


# --- serve: the web app (newsledger.web) ---------------------------------------------------------

HostOption = Annotated[
    str, typer.Option(help="Address to bind; anything but loopback needs --token.")
]
PortOption = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]
TokenOption = Annotated[
    str | None,
    typer.Option(
        envvar="NEWSLEDGER_TOKEN",
        help="Access token every request must carry (Authorization: Bearer, or open "
        "/?token=... once in a browser).",
        show_default=False,
    ),
]


@app.command()
def watch(
    targets: Annotated[
        list[str], typer.Argument(help="Folders, files (feeds too) or feed URLs to watch.")
    ],
    db: DbOption = None,
    every: Annotated[str, typer.Option(help="Time between passes: 30s, 10m, 1h.")] = "10m",
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per pass (JSON Lines).")
    ] = False,
    notify_command: Annotated[
        str | None,
        typer.Option(help="Run this command with each pass's JSON on its standard input."),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes for extraction.")] = 1,
    allow_private_addresses: AllowPrivate = False,
) -> None:
    """Ingest what is new in folders and feeds, pass after pass, and say what changed.

    Stops cleanly on Ctrl-C or SIGTERM: the document in hand is stored, the rest waits for the
    next run, and no change is reported twice.
    """
    from newsledger.watch import Watcher, notify, parse_every

    try:
        seconds = parse_every(every)
    except ValueError as exc:
        console.print(f"[red]--every:[/red] {exc}")
        raise typer.Exit(2) from None
    limits = replace(Limits(), allow_private_addresses=allow_private_addresses)
    store = _open_store(db)
    watcher = Watcher(store, targets, limits, workers=workers)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _STOP_SIGNALS}
    try:
        while not stop.is_set():
            with console.status("watching: reading what is new", spinner="dots"):
                report = watcher.run_pass(stop.is_set)
            _print_pass(report, as_json)
            if notify_command and (report.changes or report.new_documents):
                problem = notify(notify_command, report)
                if problem:
                    console.print(f"[yellow]--notify-command:[/yellow] {escape(problem)}")
            if once:
                break
            stop.wait(seconds)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        store.close()


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _print_pass(report: Any, as_json: bool) -> None:
    if as_json:
        out.print(json.dumps(report.to_json(), ensure_ascii=False), markup=False, soft_wrap=True)
        return
    out.print(
        f"{len(report.new_documents)} new documents, {len(report.changes)} changes, "
        f"{report.unchanged} inputs unchanged, {len(report.failures)} failed",
        markup=False,
    )
    _print_changes(report.changes)
    for failure in report.failures:
        out.print(f"[red]failed[/red] {escape(str(failure))}", markup=True)


def _print_changes(changes: list[LoggedChange]) -> None:
    """One line per change: its number, the publication date of the article that brought it,
    the story, and what changed in words (the fact's label from the log's ``new_fact``)."""
    from newsledger.report.view import change_text

    labels = {
        c.change.fact: str(c.change.after.get("label", c.change.fact))
        for c in changes
        if c.change.kind == "new_fact" and c.change.fact and isinstance(c.change.after, dict)
    }
    for entry in changes:
        line = change_text(entry.change, labels)
        out.print(
            f"{entry.seq:>5}  {entry.published or 'undated':<10}  story {entry.change.story[:8]}  "
            f"{line}",
            markup=False,
            highlight=False,
        )


@app.command("changes")
def list_changes(
    db: DbOption = None,
    since: Annotated[
        str | None,
        typer.Option(help="ISO date: only changes brought by articles published after it."),
    ] = None,
    story: Annotated[str | None, typer.Option(help="One story's id.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The change log: every change new articles made to stories, facts and the timeline."""
    store = _open_store(db)
    try:
        found = store.changes(since=since, story=story)
    finally:
        store.close()
    if as_json:
        out.print_json(json.dumps([entry.to_json() for entry in found], ensure_ascii=False))
    elif found:
        _print_changes(found)
    else:
        console.print("No changes logged yet; ingest or watch articles first.", markup=False)


@app.command()
def serve(
    db: DbOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    token: TokenOption = None,
) -> None:
    """The local web app and its JSON API (described at /openapi.json)."""
    import uvicorn

    from newsledger.web.app import check_bind, create_app

    refused = check_bind(host, token)
    if refused:
        console.print(refused, style="red", markup=False, highlight=False)
        raise typer.Exit(2)
    try:
        web = create_app(db, token)
    except (SQLAlchemyError, OSError) as exc:
        console.print(f"[red]Cannot open the store {db or ''}:[/red] {exc}")
        raise typer.Exit(2) from exc
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Serving on http://{shown}:{port}/ (Ctrl+C to stop)", markup=False)
    uvicorn.run(web, host=host, port=port, log_level="info", server_header=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
