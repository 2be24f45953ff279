"""Hostile and broken inputs, made on the fly in a scratch folder and mixed with good ones.

``tests/test_hostile.py`` ingests them and checks every outcome; ``tools/hostile_report.py``
makes the same set to print the figures (inputs tried, kinds, outcomes, time, peak memory), so
the numbers a closing note quotes are the ones the tests hold. Nothing made here is committed.

Every article text is invented: sentences are drawn from small word lists with a seed, so each
article is distinct (no two are copies or near-copies) and the same on every run.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

#: "stored": every article in it is stored and nothing fails; "failed": it fails (with one of
#: ``codes`` when given) and nothing of it is stored; "mixed": ``stored`` articles are stored
#: and some part fails; "either": stored or failed, as long as it neither crashes nor hangs.
Expect = Literal["stored", "failed", "mixed", "either"]

#: What an external entity points at: if this text shows up in any stored body, an XML parser
#: read a local file on behalf of the input.
SECRET = "TOP-SECRET-7f3a9c-local-file-contents"
#: The single-article files here stay under this, so the size cases below are the only ones
#: the document limit stops.
GOOD_SIZE_LIMIT = 64 * 1024

_TOWNS = "Portwell Harrowgate Linden Marsh Eastbridge Corran Tillwick Saltmoor Brackley Fenmouth"
_SUBJECTS = (
    "council|harbour board|ferry operator|health trust|school district|water company|"
    "transport authority|fire service|housing association|regional court|farmers union|"
    "library service|port authority|energy cooperative|police federation"
)
_VERBS = (
    "approved|rejected|postponed|announced|questioned|welcomed|criticised|published|"
    "delayed|extended|reviewed|defended|funded|suspended|proposed"
)
_OBJECTS = (
    "a new budget|the winter timetable|plans for a second bridge|a pay offer|the flood defences|"
    "a ban on night flights|the hospital merger|cheaper bus fares|a review of the tender|"
    "longer opening hours|the recycling contract|a housing survey|repairs to the sea wall|"
    "the school meals scheme|a tax on tourist beds"
)
_WHEN = "on Monday|on Tuesday|on Wednesday|on Thursday|on Friday|last week|this morning|overnight"
_TAILS = (
    "officials said|a spokesperson confirmed|according to minutes of the meeting|"
    "residents were told|the chair added|local reporters were told|in a written statement"
)


def _choices(text: str, sep: str = "|") -> list[str]:
    return text.split(sep) if sep in text else text.split()


def article(seed: int, sentences: int = 5) -> str:
    """An invented article body of a few sentences, one paragraph per two sentences."""
    rnd = random.Random(seed)
    towns, subjects, verbs = _choices(_TOWNS, " "), _choices(_SUBJECTS), _choices(_VERBS)
    objects, whens, tails = _choices(_OBJECTS), _choices(_WHEN), _choices(_TAILS)
    lines = []
    for _ in range(sentences):
        number = rnd.randint(2, 990)
        lines.append(
            f"The {rnd.choice(towns)} {rnd.choice(subjects)} {rnd.choice(verbs)} "
            f"{rnd.choice(objects)} {rnd.choice(whens)}, affecting about {number} "
            f"{rnd.choice(['households', 'workers', 'pupils', 'passengers', 'patients'])}, "
            f"{rnd.choice(tails)}."
        )
    return "\n\n".join(" ".join(lines[i : i + 2]) for i in range(0, len(lines), 2))


def html_page(body: str, title: str) -> str:
    """A small page with a menu, the article and a footer, as a site serves it."""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta property="article:published_time" content="2024-10-31T09:00:00+00:00">'
        '</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>{title}</h1>\n{paragraphs}\n</article>"
        "<footer><p>Copyright Invented Gazette. All rights reserved.</p></footer></body></html>"
    )


def rss(items: list[tuple[str, str]], prolog: str = "") -> str:
    """An RSS 2.0 feed of ``(title, body)`` items, with ``prolog`` before the root element."""
    entries = "".join(
        f"<item><title>{title}</title><link>https://gazette.example/{n}</link>"
        f"<pubDate>Thu, 31 Oct 2024 09:00:00 GMT</pubDate>"
        f"<description>{body}</description></item>"
        for n, (title, body) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f"<rss version='2.0'><channel><title>Invented Gazette</title>{entries}</channel></rss>"
    )


def warc(
    records: list[tuple[str, bytes, str]], *, extra_headers: dict[str, str] | None = None
) -> bytes:
    """A ``.warc.gz`` of HTTP responses ``(uri, payload, content type)``, one gzip member each."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for uri, payload, content_type in records:
        headers = [("Content-Type", content_type), *(extra_headers or {}).items()]
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), http_headers=http
        )
        writer.write_record(record)
    return buffer.getvalue()


def zeros_gzip(size: int, chunk: int = 1 << 20) -> bytes:
    """One valid gzip member that inflates to ``size`` zero bytes (a thousandth of it on disk).

    Made without compressing ``size`` bytes: one chunk is deflated and flushed in full (which
    resets the compressor, so the block stands alone), and that block is repeated.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(bytes(chunk)) + packer.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(size, chunk)
    last = packer.compress(bytes(rest)) + packer.flush()
    crc, zero = 0, bytes(chunk)
    for _ in range(count):
        crc = zlib.crc32(zero, crc)
    crc = zlib.crc32(bytes(rest), crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + block * count + last + struct.pack("<II", crc, size & 0xFFFFFFFF)


def slow_page(spans: int = 20_000) -> str:
    """A page whose one paragraph holds ``spans`` inline elements (380 KB for 20,000).

    trafilatura's extraction takes time quadratic in them: 7 s here for 20,000, minutes for
    the 200,000 a 4 MB page can hold, all well inside the size limits. The budget is what stops
    it; an ordinary page reads in a few milliseconds.
    """
    words = "".join(f"<span>w{n}</span> " for n in range(spans))
    return f"<html><body><article><p>{words}</p></article></body></html>"


@dataclass(frozen=True)
class Case:
    """One input and what must become of it."""

    kind: str
    path: str
    expect: Expect
    #: Articles of it that must be stored ("stored" and "mixed").
    stored: int = 0
    #: Failure codes accepted for it; empty: any code, as long as the reason names the input.
    codes: tuple[str, ...] = ()
    #: Whether it lies in the folder given to ``ingest`` (else it is given by its own path).
    in_folder: bool = True


@dataclass
class Inputs:
    """The cases made, the folder holding most of them and the file the entities point at."""

    folder: Path
    secret: Path
    cases: list[Case]

    def arguments(self) -> list[str]:
        """What to give ``ingest``: the folder, then the cases that live outside it."""
        return [str(self.folder), *(c.path for c in self.cases if not c.in_folder)]

    def kinds(self) -> list[str]:
        return sorted({case.kind for case in self.cases})


class _Maker:
    """Writes the files; each ``add`` is one case."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "inputs"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cases: list[Case] = []
        self.seed = 0

    def text(self) -> str:
        self.seed += 1
        return article(self.seed)

    def add(
        self,
        kind: str,
        name: str,
        data: bytes | str,
        expect: Expect,
        stored: int = 0,
        codes: tuple[str, ...] = (),
    ) -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.cases.append(Case(kind, str(path), expect, stored, codes))
        return path

    def note(
        self, kind: str, path: Path, expect: Expect, codes: tuple[str, ...], in_folder: bool = True
    ) -> None:
        """A case whose file is made by the caller (a link, a FIFO) or is not made at all."""
        self.cases.append(Case(kind, str(path), expect, 0, codes, in_folder))


def make_inputs(root: Path, *, big_file_size: int = 500 * 1024 * 1024) -> Inputs:
    """Write the good and hostile inputs under ``root`` (which should be empty)."""
    m = _Maker(root)
    secret = root / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    secret_uri = secret.resolve().as_uri()
    _good(m)
    _empty_and_binary(m)
    _encodings(m)
    _compressed(m)
    _markup(m, secret_uri)
    _sizes(m, big_file_size)
    _jsonl(m)
    _names(m)
    _special_files(m, root)
    return Inputs(m.folder, secret, m.cases)


def _good(m: _Maker) -> None:
    m.add("good", "good/plain.txt", m.text() + "\n", "stored", 1)
    m.add(
        "good", "good/page.html", html_page(m.text(), "Harbour board approves budget"), "stored", 1
    )
    items = [("Ferry timetable changes", m.text()), ("Bridge plans delayed", m.text())]
    m.add("good", "good/feed.rss", rss(items), "stored", 2)
    lines = [json.dumps({"text": m.text(), "title": f"Record {n}"}) for n in range(2)]
    m.add("good", "good/dump.jsonl", "\n".join(lines) + "\n", "stored", 2)
    pages = [
        (f"https://gazette.example/{n}", html_page(m.text(), f"Page {n}").encode(), "text/html")
        for n in range(2)
    ]
    m.add("good", "good/archive.warc.gz", warc(pages), "stored", 2)
    m.add("good", "good/article.txt.gz", gzip.compress((m.text() + "\n").encode()), "stored", 1)


def _empty_and_binary(m: _Maker) -> None:
    m.add("empty", "empty/empty.txt", b"", "failed", codes=("E001",))
    m.add("empty", "empty/blank.txt", b" \n\t\r\n  \n", "failed", codes=("E001",))
    rnd = random.Random(7)
    noise = bytes(rnd.getrandbits(8) for _ in range(64 * 1024))
    m.add("binary", "binary/noise.bin", b"\x00\x01" + noise, "failed", codes=("E002",))
    m.add(
        "binary", "binary/image.png", b"\x89PNG\r\n\x1a\n" + noise[:4096], "failed", codes=("E002",)
    )
    m.add("binary", "binary/report.pdf", b"%PDF-1.7\n" + noise[:4096], "failed", codes=("E002",))
    m.add("binary", "binary/high-bytes.txt", bytes(0x80 + b % 0x80 for b in noise[:8192]), "either")


def _encodings(m: _Maker) -> None:
    accented = (
        m.text() + "\n\nThe café in Zürich and the naïve façade of the Señor hotel were sold."
    )
    m.add("encoding", "enc/latin-1.txt", accented.encode("latin-1"), "stored", 1)
    quoted = m.text() + "\n\nThe mayor said: “We will not wait – not for a week – for answers.”"
    m.add("encoding", "enc/cp1252.txt", quoted.encode("cp1252"), "stored", 1)
    m.add("encoding", "enc/utf-16-bom.txt", m.text().encode("utf-16"), "stored", 1)
    m.add("encoding", "enc/utf-16-no-bom.txt", m.text().encode("utf-16-le"), "stored", 1)
    page = html_page(m.text(), "Fare review published")
    m.add("encoding", "enc/utf-16-be-bom.html", b"\xfe\xff" + page.encode("utf-16-be"), "stored", 1)
    mixed = (m.text() + "\n\nCafé owners in Zürich said prices rose.\n\n").encode("utf-8") + (
        "The mayor said: “We will not wait – not for a week.”\n"
    ).encode("cp1252")
    m.add("encoding", "enc/mixed-utf8-cp1252.txt", mixed, "stored", 1)


def _compressed(m: _Maker) -> None:
    whole = gzip.compress((m.text() + "\n").encode())
    m.add("truncated gzip", "gz/cut.txt.gz", whole[: len(whole) // 2], "failed", codes=("E004",))
    m.add("truncated gzip", "gz/garbled.txt.gz", whole[:10] + bytes(200), "failed", codes=("E004",))
    # Cut inside the third record (its gzip member, or its payload): the first two are whole.
    archive = _three_pages(m)
    m.add(
        "truncated warc", "warc/cut.warc.gz", archive[: len(archive) - 300], "mixed", 2, ("E004",)
    )
    plain = gzip.decompress(_three_pages(m))
    m.add(
        "truncated warc", "warc/cut.warc", plain[: len(plain) - 300], "mixed", 2, ("E007", "E012")
    )
    # 100 members of 8 MiB of zeros: 800 MiB inflated from about 800 KB.
    m.add("gzip bomb", "bomb/zeros.txt.gz", zeros_gzip(8 << 20) * 100, "failed", codes=("E005",))
    m.add("gzip bomb", "bomb/one-member.jsonl.gz", zeros_gzip(600 << 20), "failed", codes=("E005",))
    good = warc([("https://gazette.example/ok", html_page(m.text(), "Kept").encode(), "text/html")])
    m.add("warc bomb", "bomb/member.warc.gz", good + zeros_gzip(600 << 20), "mixed", 1, ("E005",))
    # A page sent with Content-Encoding: gzip, which warcio inflates while it is read.
    bomb_page = zeros_gzip(64 << 20)
    served = warc(
        [("https://gazette.example/bomb", bomb_page, "text/html")],
        extra_headers={"Content-Encoding": "gzip"},
    )
    m.add("warc bomb", "bomb/content-encoding.warc.gz", served, "failed", codes=("E021", "E012"))


def _three_pages(m: _Maker) -> bytes:
    pages = [
        (f"https://gazette.example/cut/{n}", html_page(m.text(), f"Cut {n}").encode(), "text/html")
        for n in range(3)
    ]
    return warc(pages)


def _markup(m: _Maker, secret_uri: str) -> None:
    body = m.text().replace("\n\n", " ")
    deep = (
        "<html><body>" + "<div>" * 20_000 + f"<p>{body}</p>" + "</div>" * 20_000 + "</body></html>"
    )
    m.add("deep html", "html/deep.html", deep, "failed", codes=("E019",))
    m.add("deep html", "html/unclosed.html", "<html><body>" + "<a" * 200_000, "failed")
    # Ten to the ninth "lol"s from ten declarations, each ten of the one before.
    levels = [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    laughs = '<!DOCTYPE rss [<!ENTITY lol0 "lol">' + "".join(levels) + "]>"
    m.add(
        "entity expansion",
        "xml/billion-laughs.rss",
        rss([("Laughs", "&lol9;")], laughs),
        "failed",
        codes=("E010",),
    )
    xxe = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret_uri}">]>'
    m.add(
        "external entity",
        "xml/xxe.rss",
        rss([("Secret", "&xxe; " + body)], xxe),
        "failed",
        codes=("E010",),
    )
    param = f'<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{secret_uri}"> %ext;]>'
    m.add(
        "external entity",
        "xml/xxe-parameter.rss",
        rss([("Param", body)], param),
        "failed",
        codes=("E010",),
    )
    padded = "<!--" + "padding " * 200 + "-->" + xxe
    m.add(
        "external entity",
        "xml/xxe-long-prolog.xml",
        rss([("Far", "&xxe; " + body)], padded),
        "failed",
        codes=("E010",),
    )
    atom = (
        f'<?xml version="1.0"?>{xxe.replace("rss", "feed")}'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
        f"<entry><title>E</title><id>1</id><updated>2024-10-31T09:00:00Z</updated>"
        f"<content type='html'>&xxe; {body}</content></entry></feed>"
    )
    m.add("external entity", "xml/xxe.atom", atom, "failed", codes=("E010",))

    def page() -> str:  # a new article each time: a copy would be stored under one name only
        text = m.text().replace("\n\n", " ")
        return f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret_uri}">]>' + html_page(
            "&xxe; " + text, "Entity page"
        ).removeprefix("<!DOCTYPE html>\n")

    m.add("external entity", "xml/xxe-page.html", page(), "failed", codes=("E010",))
    far = "<!--" + "far " * 2000 + "-->" + page()
    m.add("external entity", "xml/xxe-far-prolog.html", far, "either")
    record = json.dumps({"html": page(), "title": "Entity record"})
    m.add("external entity", "xml/xxe-record.jsonl", record + "\n", "either")


def _sizes(m: _Maker, big_file_size: int) -> None:
    sentence = "The harbour board said the ferry would run late, and the council agreed to wait. "
    m.add(
        "huge line",
        "lines/six-megabyte-line.txt",
        sentence * (6 * 1024 * 1024 // len(sentence) + 1),
        "failed",
        codes=("E021",),
    )
    m.add(
        "huge line", "lines/one-token-line.txt", "x" * (3 * 1024 * 1024), "failed", codes=("E012",)
    )
    m.add(
        "huge line",
        "lines/spaces-line.txt",
        "10:00" + " " * 1_000_000 + "x\n",
        "failed",
        codes=("E012",),
    )
    m.add("huge line", "lines/many-short-lines.txt", "Word\n" * 150_000, "failed", codes=("E012",))
    big = m.folder / "size/five-hundred-megabytes.txt"
    big.parent.mkdir(parents=True, exist_ok=True)
    with big.open("wb") as handle:
        handle.truncate(big_file_size)  # sparse: no disk written, and never read
    m.note("oversize", big, "failed", ("E003",))


def _jsonl(m: _Maker) -> None:
    good = [json.dumps({"text": m.text(), "title": f"Good {n}"}) for n in range(3)]
    lines = [
        good[0],
        '{"text": "cut short',
        "[1, 2, 3]",
        '{"title": "no body here"}',
        "[" * 100_000 + "]" * 100_000,
        good[1],
        json.dumps({"text": m.text() + " \ud800 lone half of a pair."}),
        json.dumps({"text": m.text() + " with a \u0000 NUL inside."}),
        "{not json at all}",
        good[2],
    ]
    m.add(
        "malformed jsonl",
        "jsonl/mixed.jsonl",
        "\n".join(lines) + "\n",
        "mixed",
        5,
        ("E008", "E009"),
    )


def _names(m: _Maker) -> None:
    for name in (
        "names/with spaces in it.txt",
        "names/ünïcødé 名前 ملف.txt",
        "names/new\nline.txt",
        "names/-leading-dash.txt",
        "names/emoji 📰 news.txt",
        "names/quote'\"chars;$(x).txt",
    ):
        m.add("odd name", name, m.text() + "\n", "stored", 1)


def _special_files(m: _Maker, root: Path) -> None:
    links = m.folder / "links"
    links.mkdir(parents=True, exist_ok=True)
    loop = links / "loop.txt"
    loop.symlink_to(loop.name)  # points at itself
    m.note("symlink", loop, "failed", ("E018",))
    dangling = links / "dangling.txt"
    dangling.symlink_to(root / "nowhere.txt")
    m.note("symlink", dangling, "failed", ("E018",))
    fifo = m.folder / "special" / "pipe.txt"
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    m.note("special file", fifo, "failed", ("E018",))
    m.note("special file", Path("/dev/zero"), "failed", ("E018",), in_folder=False)
    m.note("missing", root / "never-existed.txt", "failed", ("E017",), in_folder=False)
    locked = m.add("unreadable", "special/locked.txt", m.text() + "\n", "failed", codes=("E018",))
    locked.chmod(0)
    if running_as_root():
        # chmod does not stop root from reading: the file is then simply an article.
        m.cases[-1] = Case("unreadable", str(locked), "stored", 1)


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def restore_permissions(inputs: Inputs) -> None:
    """Let the scratch folder be deleted again."""
    for case in inputs.cases:
        path = Path(case.path)
        if case.kind == "unreadable" and path.exists():
            path.chmod(0o644)


# --- judging the outcomes ---------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one case: documents stored from it, its failures, and what is wrong."""

    case: Case
    stored: int
    codes: list[str]
    problems: list[str]

    def summary(self) -> str:
        """ "stored 2", "failed E005" or "stored 2 + failed E004": how it ended, in a word."""
        parts = [f"stored {self.stored}"] if self.stored else []
        if self.codes:
            parts.append("failed " + ",".join(sorted(set(self.codes))))
        return " + ".join(parts) or "nothing"


def judge(
    inputs: Inputs, failures: list[dict[str, object]], documents: list[tuple[str | None, str]]
) -> tuple[list[Outcome], list[str]]:
    """Each case's outcome against its expectation, and problems that belong to no one case.

    ``failures`` are ``Failure.to_json()`` objects; ``documents`` the ``(path, body)`` of every
    document stored. A failure must name its input and give a reason; the secret file an
    external entity points at must appear in no body.
    """
    paths = {case.path for case in inputs.cases}
    general = [f"failure for an unknown input: {f}" for f in failures if f["input"] not in paths]
    general += [f"document from an unknown input: {p!r}" for p, _ in documents if p not in paths]
    general += [f"the secret file leaked into {p!r}" for p, body in documents if SECRET in body]
    general += [f"failure without a reason: {f}" for f in failures if not str(f["reason"]).strip()]
    outcomes = []
    for case in inputs.cases:
        stored = sum(1 for path, _ in documents if path == case.path)
        codes = [str(f["code"]) for f in failures if f["input"] == case.path]
        problems = _problems(case, stored, codes)
        outcomes.append(Outcome(case, stored, codes, problems))
    return outcomes, general


def _problems(case: Case, stored: int, codes: list[str]) -> list[str]:
    wrong = [code for code in codes if case.codes and code not in case.codes]
    if case.expect == "stored" and (stored != case.stored or codes):
        return [f"expected {case.stored} stored and no failure, got {stored} stored, {codes}"]
    if case.expect == "failed" and (stored or not codes or wrong):
        return [f"expected a failure {case.codes or ''} and nothing stored, got {stored}, {codes}"]
    if case.expect == "mixed" and (stored != case.stored or not codes or wrong):
        return [f"expected {case.stored} stored and a failure {case.codes}, got {stored}, {codes}"]
    if case.expect == "either" and not (stored or codes):
        return ["neither stored nor reported"]
    return []


def run_measured(command: list[str], timeout: float) -> tuple[int, str, str, float, int]:
    """Run ``command`` with a time limit; its exit code, output, seconds and peak RSS in bytes.

    It runs under a small parent process that reports ``getrusage(RUSAGE_CHILDREN)``, so the
    peak is that of this command (and the children it waited for) alone, not of anything else
    the caller ran before.
    """
    probe = (
        "import json, resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.buffer.write(done.stderr)\n"
        "sys.stdout.buffer.write(done.stdout)\n"
        "sys.stderr.write('\\nPEAK_RSS_KIB=%d RC=%d\\n' % (peak, done.returncode))\n"
    )
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", probe, *command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - started
    stderr, _, tail = finished.stderr.rpartition("\nPEAK_RSS_KIB=")
    peak_kib, _, rc = tail.strip().partition(" RC=")
    return int(rc), finished.stdout, stderr, seconds, int(peak_kib) * 1024
