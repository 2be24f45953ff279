"""One catalogue of input errors, with stable codes a user can search and a test can assert.

Each message says what went wrong and, where there is one, the fix (usually a limit to raise).
"""

from __future__ import annotations

from enum import Enum


class Errors(Enum):
    """Reasons an input is rejected. Format with ``.format(**kwargs)``."""

    E001 = "file is empty"
    E002 = "binary data, not an article (detected {kind})"
    E003 = "file is {size} bytes, over the {limit}-byte limit (raise it with --max-file-size)"
    E004 = "gzip stream is truncated or corrupt: {detail}"
    E005 = (
        "decompressed size passed the {limit}-byte limit (a decompression bomb?); "
        "raise it with --max-decompressed-size"
    )
    E006 = "archive holds more than {limit} records; the rest were skipped (raise --max-records)"
    E007 = "WARC archive is truncated or corrupt: {detail}"
    E008 = "malformed JSON on this line: {detail}"
    E009 = "JSON record has neither 'text' nor 'html'"
    E010 = "XML declares entities or a DTD, refused to avoid entity expansion: {detail}"
    E011 = "feed could not be parsed: {detail}"
    E012 = "no article text could be recovered"
    E013 = "HTML could not be parsed: {detail}"
    E014 = "text could not be decoded: {detail}"
    E015 = "refused to fetch {url}: {detail} (use --allow-private-addresses for internal hosts)"
    E016 = "fetch failed for {url}: {detail}"
    E017 = "path does not exist"
    E018 = "could not read file: {detail}"
    E019 = "HTML nesting deeper than {limit} levels; refused"
    E020 = "unsupported format: {detail}"
    E021 = "article is {size} bytes, over the {limit}-byte limit for one document"
    E022 = (
        "over the time budget: reading this document took more than {limit} s "
        "(a pathological input?); raise Limits.document_seconds"
    )
    E023 = "no articles in this {kind}: {detail}"

    def format(self, *args: object, **kwargs: object) -> str:
        return str(self.value).format(*args, **kwargs)


class InputError(Exception):
    """Raised by a reader for one input or record; the batch goes on without it."""

    def __init__(self, error: Errors, record: int | None = None, **kwargs: object) -> None:
        self.code = error.name
        self.reason = error.format(**kwargs)
        self.record = record
        super().__init__(f"[{self.code}] {self.reason}")
