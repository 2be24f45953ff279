"""Turning a path into bounded bytes: size limits, gzip (bombs and truncation), decoding.

Every reader gets its bytes from here, so no reader can be made to read a 500 MB file or inflate
a gzip bomb: the limits are enforced before and while the bytes are produced.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from charset_normalizer import from_bytes

from newsledger.config import Limits
from newsledger.errors import Errors, InputError

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024

#: Signatures of common binary files, so the error can say what the file is.
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive",
    b"\x7fELF": "an executable",
    b"SQLite format 3": "an SQLite database",
}


def read_bytes(path: Path, limits: Limits) -> bytes:
    """Read a file, refusing it before reading when it is over the size limit."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_size:
            raise InputError(Errors.E003, size=size, limit=limits.max_file_size)
        with path.open("rb") as handle:
            return handle.read(limits.max_file_size + 1)
    except OSError as exc:
        raise InputError(Errors.E018, detail=exc.strerror or str(exc)) from exc


def gunzip(data: bytes, limits: Limits) -> bytes:
    """Inflate a (possibly multi-member) gzip stream without ever holding more than the limit."""
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        pending = rest
        while pending:
            room = limits.max_decompressed_size - len(out)
            try:
                out += inflater.decompress(pending, min(room + 1, _CHUNK))
            except zlib.error as exc:
                raise InputError(Errors.E004, detail=str(exc)) from exc
            if len(out) > limits.max_decompressed_size:
                raise InputError(Errors.E005, limit=limits.max_decompressed_size)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        if not inflater.eof:
            raise InputError(Errors.E004, detail="stream ends before the end of the gzip member")
        rest = inflater.unused_data.lstrip(b"\x00")
        if rest and not rest.startswith(GZIP_MAGIC):
            break
    return bytes(out)


def check_not_binary(data: bytes) -> None:
    """Reject files that are obviously not text, naming what they look like."""
    if not data.strip():
        raise InputError(Errors.E001)
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(Errors.E002, kind=kind)
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(Errors.E002, kind="NUL bytes")


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text and the encoding used: UTF-8 when it is valid, else charset-normalizer's guess.

    Trying strict UTF-8 first is both faster and more exact than guessing: most inputs are UTF-8,
    and a guess on a short UTF-8 text can pick a wrong single-byte code page.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise InputError(Errors.E014, detail="no text encoding fits these bytes")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(Errors.E014, detail=str(exc)) from exc
