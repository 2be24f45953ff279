"""Shared fixtures for the ingest tests: invented article text, input builders, a local server.

Every article text here is invented for the tests. Nothing is copied from ../shared/corpus;
the tests that need that corpus read it at run time and are skipped when it is absent.
"""

from __future__ import annotations

import gzip
import http.server
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsledger.model import Document, Failure
from serving import serving

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = Path(__file__).parents[2] / "shared" / "corpus"

#: Three invented body paragraphs that every reader test builds its inputs from.
PARAGRAPHS = (
    "Talks to end the week-long ferry strike at Portwell collapsed on Thursday after the two "
    "unions rejected the operator's latest pay offer.",
    "The operator said it had offered a four per cent rise over two years and would not "
    "improve it further before the end of the month.",
    "Union officials said members would vote next week on whether to extend the action into "
    "November, when the winter timetable begins.",
)
#: A second, unrelated invented article.
OTHER_PARAGRAPHS = (
    "The central library in Portwell will stay open until eight in the evening on weekdays "
    "from next month, the town council said on Friday.",
    "Councillors said the longer hours would cost about forty thousand dollars a year and "
    "would be paid for from the culture budget.",
)
HEADLINE = "Ferry strike talks collapse as unions reject pay offer"
OTHER_HEADLINE = "Portwell library to open late on weekdays"


@pytest.fixture
def paragraphs() -> tuple[str, ...]:
    return PARAGRAPHS


@pytest.fixture
def other_paragraphs() -> tuple[str, ...]:
    return OTHER_PARAGRAPHS


@pytest.fixture
def headline() -> str:
    return HEADLINE


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def corpus_dir() -> Path:
    """The scraped real corpus; tests using it are skipped where it was not provided."""
    if not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")):
        pytest.skip(f"shared corpus not found at {CORPUS} (only present in the project workspace)")
    return CORPUS


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes | str], str]:
    """Write bytes or UTF-8 text to ``tmp_path/name`` and return the path as the CLI gets it."""

    def _write(name: str, content: bytes | str) -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return str(path)

    return _write


def article_html(
    title: str = HEADLINE,
    paras: tuple[str, ...] = PARAGRAPHS,
    *,
    published: str | None = "2024-10-31T09:15:00+00:00",
    site: str | None = "Harbour Gazette",
    author: str | None = "Jane Roe",
    canonical: str | None = "https://www.harbourgazette.example/news/ferry-strike-talks-collapse",
) -> str:
    """An invented article page with a nav menu, the article and a footer."""
    meta = [f'<meta property="og:title" content="{title}">']
    if site:
        meta.append(f'<meta property="og:site_name" content="{site}">')
    if author:
        meta.append(f'<meta name="author" content="{author}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f"<title>{title} | {site or 'News'}</title>\n" + "\n".join(meta) + "\n</head><body>\n"
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport desk results '
        'and fixtures</a></li><li><a href="/weather">Weather outlook</a></li></ul></nav>\n'
        f"<article>\n<h1>{title}</h1>\n{body}\n</article>\n"
        "<footer><p>Copyright Harbour Gazette Media Group. All rights reserved. Read our "
        "privacy notice and the newsroom corrections policy.</p></footer>\n</body></html>\n"
    )


@pytest.fixture
def html_page() -> Callable[..., str]:
    return article_html


@pytest.fixture
def make_warc() -> Callable[..., tuple[bytes, list[int]]]:
    """A WARC of response records ``(target URI, payload, Content-Type)`` built with warcio.

    Returns the bytes and the offset where each record starts (each record is its own gzip
    member when ``gzip_records``). ``warc_date`` sets the capture time (warcio's default: now).
    """

    def _make(
        records: list[tuple[str, bytes, str]],
        *,
        gzip_records: bool = True,
        warc_date: str | None = None,
    ) -> tuple[bytes, list[int]]:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=gzip_records)
        offsets = []
        for uri, payload, content_type in records:
            offsets.append(buffer.tell())
            http_headers = StatusAndHeaders(
                "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            warc_record = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(payload),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": warc_date} if warc_date else None,
            )
            writer.write_record(warc_record)
        return buffer.getvalue(), offsets

    return _make


@pytest.fixture(scope="session")
def gzip_bomb() -> bytes:
    """50 MB of zeros gzipped (about 50 KB)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as handle:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(50):
            handle.write(chunk)
    return out.getvalue()


def documents(results: list[Document | Failure]) -> list[Document]:
    return [item for item in results if isinstance(item, Document)]


def failures(results: list[Document | Failure]) -> list[Failure]:
    return [item for item in results if isinstance(item, Failure)]


@pytest.fixture
def split() -> Callable[[list[Document | Failure]], tuple[list[Document], list[Failure]]]:
    """Split a reader's results into (documents, failures), checking nothing else came out."""

    def _split(results: list[Document | Failure]) -> tuple[list[Document], list[Failure]]:
        assert all(isinstance(item, Document | Failure) for item in results), results
        return documents(results), failures(results)

    return _split


# --- a loopback HTTP server for the fetch tests -------------------------------------------


@dataclass
class LocalServer:
    """Routes: path -> (status, headers, body). ``requests`` lists the paths asked for."""

    host: str
    port: int
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"


@pytest.fixture
def local_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """An HTTP server bound to 127.0.0.1 on an ephemeral port, for as long as one test runs."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    state = LocalServer("127.0.0.1", 0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            status, headers, body = state.routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    with serving(server):
        yield state


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    """A PostgreSQL server for the whole test session (see ``tests/postgres.py``)."""
    from postgres import server

    with server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store location on each backend the store supports."""
    if request.param == "sqlite":
        return str(tmp_path / "s.db")
    from postgres import fresh_database

    return fresh_database(request.getfixturevalue("postgres_admin"))
