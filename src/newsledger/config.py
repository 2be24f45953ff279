"""Settings in one place: input limits and the store location.

The limits default to sizes no real article comes near, so a hostile or broken input is stopped
before it costs memory or time, while an honest large archive still passes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DB = "newsledger.db"


@dataclass(frozen=True)
class Limits:
    """Safety limits for reading inputs. All sizes in bytes."""

    #: Largest file read at all; an archive of many articles is usually well below this.
    max_file_size: int = 200 * 1024 * 1024
    #: Largest size after gunzip; stops decompression bombs early without reading them whole.
    max_decompressed_size: int = 400 * 1024 * 1024
    #: Largest single article (text or HTML) taken from any input.
    max_document_size: int = 5 * 1024 * 1024
    #: Records read from one WARC, feed or JSONL file.
    max_records: int = 100_000
    #: HTML deeper than this is refused: lxml and trafilatura recurse over the tree.
    max_html_depth: int = 400
    #: Wall seconds reading one document may take (decoding, parsing, chrome removal); past it
    #: the document fails and the batch goes on. ``None`` or 0: no budget. Enforced with a
    #: SIGALRM timer, so on POSIX and in the main thread only (see ``ingest.budget``).
    document_seconds: float | None = 60.0
    #: Fetching URLs given on the command line.
    fetch_timeout: float = 20.0
    fetch_max_bytes: int = 20 * 1024 * 1024
    fetch_max_redirects: int = 5
    allow_private_addresses: bool = False


def database_url(db: str | None) -> str:
    """``--db``, else ``NEWSLEDGER_DB``, else ``./newsledger.db``; paths become SQLite URLs."""
    value = db or os.environ.get("NEWSLEDGER_DB") or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{value}"
