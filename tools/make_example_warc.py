"""Build the example web archive examples/archive/civic-observer-2025-03-19.warc.gz.

Why this exists: newsledger must ingest WARC captures, so examples/ ships one,
but a gzipped WARC cannot be edited by hand. The pages it holds are kept as
plain HTML in tools/warc-pages/*.html (not under examples/, which newsledger
ingests recursively). This script wraps them in a warcinfo record, one request
record (for the first page) and one response record per page. The target URI
of each page is its <link rel="canonical">; WARC-Date is a fixed capture time
the day after publication, so it differs from the pages' own published_time.

Rerun from the repository root after editing a page, with any Python that has
warcio 1.8.1 (the project's .venv pins it; `.venv/bin/python` works), or:

    python3.11 -m venv /tmp/wenv && /tmp/wenv/bin/pip install warcio==1.8.1
    /tmp/wenv/bin/python tools/make_example_warc.py

Record IDs are random, so the output differs byte for byte on every run.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tools" / "warc-pages"
OUT = ROOT / "examples" / "archive" / "civic-observer-2025-03-19.warc.gz"
CAPTURE_START = datetime(2025, 3, 19, 6, 40, 12, tzinfo=UTC)
CANONICAL = re.compile(rb'<link rel="canonical" href="([^"]+)"')


def warc_date(n: int) -> str:
    """Capture time of the n-th page: 37 seconds apart, WARC ISO format."""
    return (CAPTURE_START + timedelta(seconds=37 * n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def main() -> None:
    pages = sorted(PAGES.glob("*.html"))
    if not pages:
        raise SystemExit(f"no pages in {PAGES}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(
            OUT.name,
            {
                "software": "newsledger tools/make_example_warc.py (warcio 1.8.1)",
                "format": "WARC File Format 1.0",
                "description": "Invented example pages for newsledger; not a real crawl.",
            },
        )
        info.rec_headers.replace_header("WARC-Date", warc_date(0))
        writer.write_record(info)
        for n, page in enumerate(pages):
            body = page.read_bytes()
            match = CANONICAL.search(body)
            if match is None:
                raise SystemExit(f'{page.name}: no <link rel="canonical">')
            uri = match.group(1).decode("ascii")
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            resp = writer.create_warc_record(
                uri,
                "response",
                payload=BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": warc_date(n)},
            )
            if n == 0:
                path = "/" + uri.split("/", 3)[3]
                host = uri.split("/")[2]
                req_http = StatusAndHeaders(
                    f"GET {path} HTTP/1.1",
                    [
                        ("Host", host),
                        ("User-Agent", "newsledger-example/1.0"),
                        ("Accept", "text/html"),
                    ],
                    is_http_request=True,
                )
                req = writer.create_warc_record(
                    uri,
                    "request",
                    payload=BytesIO(b""),
                    http_headers=req_http,
                )
                writer.write_request_response_pair(req, resp)
            else:
                writer.write_record(resp)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(pages)} pages)")


if __name__ == "__main__":
    main()
