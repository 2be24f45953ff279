"""Turning a path into bounded bytes: size limits, gzip (bombs and truncation), decoding.

Every reader gets its bytes from here, so no reader can be made to read a 500 MB file or inflate
a gzip bomb: the limits are enforced before and while the bytes are produced.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from charset_normalizer import CharsetMatch, from_bytes

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

#: The code page most non-UTF-8 news text is in (Western European Windows).
_WESTERN = "cp1252"
#: Guesses this close in charset-normalizer's mess and language scores cannot be told apart by
#: them; 0.01 is the tolerance charset-normalizer itself uses to call two mess ratios equal.
_CLOSE = 0.01
#: Quote marks and dashes, which cp1252 (and the other Windows code pages) put at 0x91-0x97,
#: where DOS code pages have letters and ISO-8859 code pages have control codes.
_SMART_PUNCTUATION = re.compile(r"[‘’“”–—]")
#: The same marks where punctuation goes: an opening mark before a word, a closing mark or an
#: apostrophe after one, a dash beside a space or between figures, an em dash anywhere.
_PLACED_PUNCTUATION = re.compile(
    r"(?<![^\s(\[—–-])[‘“](?=\w)|(?<=[\w.,!?;:])[’”]|(?<=\s)–|–(?=\s)|(?<=\d)–(?=\d)|—"
)
#: Share of those marks that must sit where punctuation goes to count as evidence.
_PLACED_SHARE = 0.8


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


def check_not_empty(data: bytes) -> None:
    """Reject a file with nothing but white space in it."""
    if not data.strip():
        raise InputError(Errors.E001)


def check_not_binary(data: bytes) -> None:
    """Reject files that are obviously not text, naming what they look like."""
    check_not_empty(data)
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
    encoding = guess_encoding(data[:1_000_000])
    if encoding is None:
        raise InputError(Errors.E014, detail="no text encoding fits these bytes")
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(Errors.E014, detail=str(exc)) from exc


def guess_encoding(sample: bytes) -> str | None:
    """charset-normalizer's guess, corrected where its scores cannot decide.

    Its first guess is often a code page that decodes Western text into other letters (cp1250
    turns à, ñ, ê into ŕ, ń, ę; cp850 turns ’ “ ” into Æ ô ö). Two rules, both from what the
    bytes show, not from any one file: when the bytes hold quote marks and dashes at the places
    Windows code pages put them, only Windows code pages are considered; and among guesses whose
    scores tie, cp1252 wins, as by far the most common of them in news text.
    """
    guesses: list[CharsetMatch] = list(from_bytes(sample))
    if _windows_punctuation(sample):
        windows = [guess for guess in guesses if any(_is_windows(e) for e in _names(guess))]
        if not windows:
            return _WESTERN  # cp1252 decodes these bytes, and nothing else offered does
        guesses = windows
    if not guesses:
        return None
    first = guesses[0]
    tied = [
        guess
        for guess in guesses
        if abs(guess.chaos - first.chaos) < _CLOSE and first.coherence - guess.coherence < _CLOSE
    ]
    if any(_WESTERN in _names(guess) for guess in tied):
        return _WESTERN
    return first.encoding


def _names(guess: CharsetMatch) -> list[str]:
    """The guess's encoding and the others that decode these bytes to the very same text."""
    return [guess.encoding, *guess.could_be_from_charset]


def _is_windows(encoding: str) -> bool:
    return encoding.startswith("cp125")


def _windows_punctuation(sample: bytes) -> bool:
    """True when the bytes are valid cp1252 and its quote marks and dashes stand where
    punctuation goes once decoded so: then the text is in a Windows code page."""
    try:
        text = sample.decode(_WESTERN)
    except UnicodeDecodeError:
        return False
    marks = len(_SMART_PUNCTUATION.findall(text))
    return marks > 0 and len(_PLACED_PUNCTUATION.findall(text)) >= _PLACED_SHARE * marks
