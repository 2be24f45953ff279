"""Turning a path into bounded bytes: size limits, gzip (bombs and truncation), decoding.

Every reader gets its bytes from here, so no reader can be made to read a 500 MB file or inflate
a gzip bomb: the limits are enforced before and while the bytes are produced.
"""

from __future__ import annotations

import codecs
import re
import stat
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
    """Read a regular file, refusing it before reading when it is over the size limit.

    Anything else is refused from its ``stat`` alone: reading a FIFO blocks until someone
    writes to it, and a device such as ``/dev/zero`` reports size 0 and never ends.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(Errors.E018, detail="not a regular file (a FIFO, device or socket)")
        if info.st_size > limits.max_file_size:
            raise InputError(Errors.E003, size=info.st_size, limit=limits.max_file_size)
        with path.open("rb") as handle:
            data = handle.read(limits.max_file_size + 1)
    except OSError as exc:
        detail = exc.strerror or str(exc)
        if path.is_symlink():
            detail = f"broken symbolic link: {detail}"
        raise InputError(Errors.E018, detail=detail) from exc
    if len(data) > limits.max_file_size:  # it grew between the stat and the read
        raise InputError(Errors.E003, size=len(data), limit=limits.max_file_size)
    return data


def gunzip(data: bytes, limits: Limits) -> bytes:
    """Inflate a (possibly multi-member) gzip stream without ever holding more than the limit."""
    out, broken = gunzip_members(data, limits)
    if broken is not None:
        raise broken
    return bytes(out)


def gunzip_members(data: bytes, limits: Limits) -> tuple[bytearray, InputError | None]:
    """The members inflated whole, and the error that stopped inflating (``None`` at the end).

    A ``.warc.gz`` holds one gzip member per record, so when it is cut short (or one member is
    a bomb) the members before the break are still whole records worth reading. The bytes come
    back as the buffer they were inflated into, cut in place: a copy of a 400 MB buffer would
    double the memory a bomb costs. Input goes in by chunks, so what zlib hands back unread
    (``unconsumed_tail``) is never a copy of the rest of the file.
    """
    out = bytearray()
    view = memoryview(data)
    whole = 0  # length of ``out`` at the end of the last member inflated whole
    offset = 0  # where the current member starts in ``data``
    while offset < len(data):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        position = offset
        pending: bytes = b""
        while not inflater.eof:
            if not pending and position < len(data):
                pending = bytes(view[position : position + _CHUNK])
                position += len(pending)
            room = limits.max_decompressed_size - len(out)
            before = len(out)
            try:
                out += inflater.decompress(pending, min(room + 1, _CHUNK))
            except zlib.error as exc:
                del out[whole:]
                return out, InputError(Errors.E004, detail=str(exc))
            if len(out) > limits.max_decompressed_size:
                del out[whole:]
                return out, InputError(Errors.E005, limit=limits.max_decompressed_size)
            pending = inflater.unconsumed_tail
            if not inflater.eof and not pending and position >= len(data) and len(out) == before:
                del out[whole:]  # no input left, and zlib has nothing more to give
                detail = "stream ends before the end of the gzip member"
                return out, InputError(Errors.E004, detail=detail)
        whole = len(out)
        offset = position - len(inflater.unused_data)
        while offset < len(data) and data[offset] == 0:  # padding between members
            offset += 1
        if not data.startswith(GZIP_MAGIC, offset):
            break  # trailing bytes that are not another member are ignored, as gzip does
    return out, None


def check_document_size(size: int, limits: Limits, record: int | None = None) -> None:
    """Refuse one article over ``max_document_size`` before any parser or model sees it.

    Reading and extraction both cost time in proportion to the text (spaCy parses a few
    thousand words a second), so this bound is also what bounds one document's extraction.
    """
    if size > limits.max_document_size:
        raise InputError(Errors.E021, record=record, size=size, limit=limits.max_document_size)


def text_size(text: str) -> int:
    """The UTF-8 size of a text, the unit the document limit is stated in."""
    return len(text.encode("utf-8", "surrogatepass"))


#: Byte-order marks of the wide Unicode encodings, longest first (a UTF-32-LE mark starts
#: with the UTF-16-LE one).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]{0,200}?encoding\s*=\s*["'])[^"']{0,40}""")


def wide_to_utf8(data: bytes) -> tuple[bytes, str | None]:
    """UTF-16 or UTF-32 text as UTF-8 bytes, and the encoding it was in (``None``: left as is).

    Format detection and the readers look for ASCII markup (``<html``, ``{``, ``WARC/``), which
    UTF-16 spreads over NUL bytes: a page in it would be read as plain text, and one without a
    byte-order mark refused as binary. So wide text is turned into UTF-8 first, found by its
    byte-order mark or, without one, by NULs that all fall on one side of each character. An
    XML declaration is made to say ``utf-8``, since the bytes now are.
    """
    body, encoding = _wide_encoding(data)
    if encoding is None:
        return data, None
    width = 4 if encoding.startswith("utf-32") else 2
    body = body[: len(body) - len(body) % width]  # a file cut in the middle of a character
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(Errors.E014, detail=str(exc)) from exc
    return _XML_ENCODING.sub(rb"\1utf-8", text.encode("utf-8"), count=1), encoding


def _wide_encoding(data: bytes) -> tuple[bytes, str | None]:
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return data[len(bom) :], encoding
    head = data[:8192]
    low, high = head[0::2], head[1::2]
    if len(head) < 16 or b"\x00" not in head or head.startswith(b"WARC/"):
        return data, None  # (a WARC's NULs are those of the images it holds)
    # Text in the Latin, Cyrillic or Greek ranges has NUL high bytes at least at its spaces;
    # binary data has NULs anywhere. Decoding must also give printable text.
    for nuls, others, encoding in ((high, low, "utf-16-le"), (low, high, "utf-16-be")):
        if nuls.count(0) >= 0.1 * len(nuls) and others.count(0) <= 0.01 * len(others):
            sample = head[: len(head) - len(head) % 2].decode(encoding, "replace")
            printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in sample)
            if printable >= 0.95 * len(sample):
                return data, encoding
    return data, None


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
    mixed = _mixed(data)
    if mixed is not None:
        return mixed
    encoding = guess_encoding(data[:1_000_000])
    if encoding is None:
        raise InputError(Errors.E014, detail="no text encoding fits these bytes")
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(Errors.E014, detail=str(exc)) from exc


def _mixed(data: bytes) -> tuple[str, str] | None:
    """A file pasted together from UTF-8 and a legacy code page, decoded line by line.

    Scraped pages are often stitched so (a UTF-8 body, a footer in cp1252). Read whole with one
    guess, the UTF-8 part turns to mojibake ("CafĂ©"). A line that holds multi-byte UTF-8 and is
    valid UTF-8 all through is taken as UTF-8: in a single-byte code page that takes byte pairs
    no text has ("Ã©"), and ordinary letters of Cyrillic or Greek code pages are no valid UTF-8.
    The other lines are decoded with the guess made from them alone. ``None``: not mixed.
    """
    lines = data.split(b"\n")
    utf8: list[str | None] = []
    for line in lines:
        try:
            utf8.append(line.decode("utf-8") if max(line, default=0) >= 0x80 else None)
        except UnicodeDecodeError:
            utf8.append(None)
    if not any(text is not None for text in utf8):
        return None
    legacy = b"\n".join(line for line, text in zip(lines, utf8, strict=True) if text is None)
    encoding = guess_encoding(legacy[:1_000_000]) or _WESTERN
    try:
        decoded = [
            text if text is not None else line.decode(encoding)
            for line, text in zip(lines, utf8, strict=True)
        ]
    except (UnicodeDecodeError, LookupError):
        return None
    return "\n".join(decoded), f"utf-8+{encoding}"


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
