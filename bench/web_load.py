"""``make bench-web``: the web app's latency under load, on a store of 5,000 varied documents.

The store is made of invented articles (:func:`article`): a dozen disasters in invented towns,
reported over three weeks by fourteen outlets, each article a lede and a few attributed figures
(missing, dead, injured, evacuated, homes damaged, cost) drawn from the day's count with each
speaker's own bias, so the stories have many facts, disputed and changing values, and their
largest one is cited by over a thousand documents. Story sizes fall off as 1/rank, the way a
few stories dominate a real news cycle. Every article is its own text (names, numbers, sentence
choice and order vary), so copy detection does not fold them together. A generator from real
articles (``--corpus FOLDER``, e.g. what ``bench/corpus.py`` writes) can be ingested instead.

The store is built once through the CLI's own ingest (``--db``, cached under ``bench/results``)
and reused. The bench starts ``newsledger serve`` on loopback in its own process and drives it
from another process with a fixed number of requests at a fixed concurrency, each bounded in
time: the story page of the largest story, and the search API for the name of that story's
most quoted person. It prints requests per second, p50/p95/p99 latency and errors, and merges
them into ``bench/results/latest.json`` under ``"web"`` (other keys are left alone).

``--while-ingesting`` measures the same load on a copy of the store while ``newsledger ingest``
adds a batch of new articles of the same stories to it, from a third process.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "latest.json"
TARGET_P95_MS = 200.0
#: A request slower than this counts as an error (and stops waiting).
REQUEST_TIMEOUT_S = 30.0

# --- invented articles -----------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Aldo Brenna Cato Dalia Edvin Farah Gideon Hesper Ilka Joran Kesia Lorcan Mirela Nestor "
    "Oriel Petra Quillan Rosalind Stellan Talia Ulric Vesna Wendel Xanthe Yorick Zelda Anselm "
    "Brigid Casimir Delphine Emeric Fenna Gustav Halina Ivo Jessamy Konrad Liesel Matthias Noor"
)
LAST = _words(
    "Achterberg Bellweather Corrigan Dunmore Eskeland Falkner Grunwald Halloway Ingersoll "
    "Jantzen Kestrel Lindqvist Marchetti Nightingale Ostrander Pellham Quarrington Rasmussen "
    "Silverthorn Thackeray Umberfield Vandermeer Whitlock Yarborough Zellweger Ambrose Blackwood "
    "Castellan Drummond Everhart Fairbrother Greenhalgh Holloway Ivanescu Jessop Kilbride"
)
TOWNS = _words(
    "Marrowby Ostwick Pellingford Quarnmouth Redcastle Saltmere Thornbury Ulverdale Wexham "
    "Yarrowfield Brackenholt Cindermoor Dunhallow Elmsworth Fallowmere Glenharrow"
)
REGIONS = _words("Northmarch Westerlund Easthollow Southvale Midmoor Highcairn")
OUTLETS = (
    ("Northmarch Herald", "northmarch-herald.example"),
    ("Valley Courier", "valley-courier.example"),
    ("The Daily Lantern", "dailylantern.example"),
    ("Coastal Wire", "coastalwire.example"),
    ("Morning Ledger", "morningledger.example"),
    ("Riverside Gazette", "riverside-gazette.example"),
    ("Evening Sentinel", "evening-sentinel.example"),
    ("Highland Post", "highlandpost.example"),
    ("Meridian Times", "meridiantimes.example"),
    ("Civic Observer", "civicobserver.example"),
    ("Open Press Agency", "openpress.example"),
    ("Westerlund Standard", "westerlund-standard.example"),
    ("Harbour Bulletin", "harbourbulletin.example"),
    ("The Plain Dealer Review", "plaindealer-review.example"),
)
#: Each kind of event: its id, what happened (before the town's name), its headline word,
#: and sentences of its own, so stories differ in words as well as in names and dates.
EVENTS = (
    ("flood", "floodwater swept through", "Flooding", (
        "Boats ferried families from flooded streets near the river in {town}.",
        "The embankment upstream of {town} was still leaking on {weekday}.",
    )),
    ("fire", "a wildfire tore through the hills above", "Wildfire", (
        "Firefighters cut breaks through the pine forest north of {town}.",
        "Smoke from the fire closed the motorway near {town}.",
    )),
    ("collapse", "a mine gallery collapsed beneath", "Mine collapse", (
        "Rescuers drilled a shaft towards the trapped miners below {town}.",
        "The mining company suspended work at every pit near {town}.",
    )),
    ("storm", "a violent storm battered", "Storm", (
        "Winds tore roofs from houses along the seafront in {town}.",
        "Fallen trees blocked the coast road south of {town}.",
    )),
    ("quake", "an earthquake shook", "Earthquake", (
        "Aftershocks rattled {town} through the night.",
        "Engineers inspected cracked bridges around {town}.",
    )),
    ("landslide", "a landslide buried part of", "Landslide", (
        "Mud and rock buried the lower road into {town}.",
        "Geologists warned the hillside above {town} could move again.",
    )),
)  # fmt: skip
VILLAGES = _words(
    "Ashby Birchmead Coldharbour Dunsley Eastwold Fernhill Greystoke Hollins Ivybridge Kettlewell "
    "Longmire Millbeck Netherby Oakhurst Pennick Rushmere Stonegate Tollerby Underhill Wickford "
    "Amberley Bramwell Cresswell Dovecote Elstow Foxley Garside Hartley Inchbrook Jarrow Kirkby "
    "Lowther Marden Norwell Orton Pickering"
)
ROLES = (
    ("Governor", ""),
    ("Fire Chief", "fire service"),
    ("Police spokesperson", "police"),
    ("Mayor", ""),
    ("Doctor", "regional hospital"),
    ("Red Cross coordinator", "Red Cross"),
)
#: What is counted, how it moves over the days (start, change per day, floor) and its words.
COUNTS = (
    ("missing", 40.0, 6.0, 5.0, "{n} people were still missing"),
    ("dead", 3.0, 1.6, 0.0, "{n} people had died"),
    ("injured", 25.0, 4.0, 0.0, "{n} people were injured"),
    ("evacuated", 1500.0, 220.0, 0.0, "{n} residents had been evacuated"),
    ("homes", 120.0, 35.0, 0.0, "{n} homes were damaged"),
    ("cost", 4.0, 1.5, 0.0, "the damage could cost {n} million"),
    ("rescuers", 200.0, 40.0, 0.0, "{n} rescue workers had been deployed"),
    ("shelters", 6.0, 1.0, 0.0, "{n} emergency shelters had opened"),
    ("sheltered", 400.0, 60.0, 0.0, "{n} people were sleeping in shelters"),
    ("power", 3000.0, -150.0, 100.0, "{n} households were without electricity"),
    ("roads", 12.0, -0.5, 1.0, "{n} roads remained closed"),
    ("volunteers", 150.0, 30.0, 0.0, "{n} volunteers had signed up to help"),
)
CUES = ("said", "told reporters", "said on {weekday}", "told a news conference", "confirmed")
HEDGES = ("", "", "", "about ", "at least ", "more than ", "as many as ")
FILLERS = (
    "Roads into {town} were closed on {weekday} morning and the railway line was suspended.",
    "Volunteers handed out blankets and hot food at the {town} sports hall.",
    "Schools in {town} will stay shut for the rest of the week.",
    "Residents queued for drinking water outside the town hall in {town}.",
    "Power was cut to several streets near the river in {town} overnight.",
    "Rescue teams from neighbouring {region} towns arrived before dawn.",
    "The regional assembly of {region} met in an emergency session on {weekday}.",
    "Forecasters warned of more rain over {region} later in the week.",
)
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
STORIES = 12
#: Days between two stories' first reports: beyond the story index's window, so what keeps
#: stories apart is what it was built for (one event, one time), not luck with similar words.
STORY_GAP_DAYS = 150
DAYS = 21


@dataclass(frozen=True)
class Story:
    """An invented event: where, what, when it began, who speaks for it (and how they lean)."""

    town: str
    region: str
    event: tuple[str, str, str, tuple[str, ...]]
    villages: tuple[str, ...]
    start: date
    speakers: tuple[tuple[str, str, str, float], ...]  # name, role, organisation, bias


def story(k: int, seed: int) -> Story:
    rng = random.Random(f"story-{seed}-{k}")
    speakers = tuple(
        (f"{rng.choice(FIRST)} {rng.choice(LAST)}", role, organisation, rng.uniform(0.75, 1.35))
        for role, organisation in ROLES
    )
    return Story(
        TOWNS[k % len(TOWNS)],
        REGIONS[k % len(REGIONS)],
        EVENTS[k % len(EVENTS)],
        VILLAGES[3 * k : 3 * k + 3],
        date(2019, 1, 7) + timedelta(days=STORY_GAP_DAYS * k),
        speakers,
    )


def _count(rng: random.Random, what: tuple[str, float, float, float, str], day: int) -> int:
    _, start, per_day, floor, _ = what
    if what[0] == "missing":  # found alive or dead: the count of missing falls
        value = max(floor, start + 3 * per_day - per_day * day)
    else:
        value = max(floor, start + per_day * day)
    return max(1, round(value * rng.uniform(0.9, 1.1)))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def article(n: int, seed: int = 0) -> dict[str, str]:
    """Invented article ``n`` as a JSON Lines record (title, url, outlet, published, text)."""
    rng = random.Random(f"article-{seed}-{n}")
    weights = [1 / (k + 1) for k in range(STORIES)]
    s = story(rng.choices(range(STORIES), weights)[0], seed)
    day = min(int(rng.expovariate(1 / 6)), DAYS - 1)
    when = s.start + timedelta(days=day)
    weekday = WEEKDAYS[when.weekday()]
    outlet, domain = rng.choice(OUTLETS)
    kind, happened, headline, own = s.event
    lead = rng.choice(COUNTS[:4])
    lead_n = _count(rng, lead, day)
    lede = _capital(f"{lead[4].format(n=f'{rng.choice(HEDGES)}{lead_n:,}')} after {happened}")
    sentences = [f"{lede} {s.town} in {s.region}, officials said on {weekday}."]
    for what in rng.sample(COUNTS, rng.randint(4, 7)):
        name, role, organisation, bias = rng.choice(s.speakers)
        village = rng.choice(s.villages) if rng.random() < 0.4 else None  # a fact of its own
        figure = _count(rng, what, day) * bias * (0.3 if village else 1.0)
        money = what[0] == "cost"
        shown = "$" + f"{figure:.1f}".rstrip("0").rstrip(".") if money else f"{figure:,.0f}"
        claim = what[4].format(n=rng.choice(HEDGES) + shown) + (f" in {village}" if village else "")
        cue = rng.choice(CUES).format(weekday=weekday)
        if rng.random() < 0.5:
            of = f" of the {organisation}" if organisation else ""
            sentences.append(f"{role} {name}{of} {cue} that {claim}.")
        else:
            sentences.append(f"{_capital(claim)}, {role} {name} {cue}.")
    if rng.random() < 0.4:
        resident = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        sentences.append(
            f'"I have never seen anything like it," said {resident}, a resident of {s.town}.'
        )
    fillers = rng.sample(FILLERS, rng.randint(0, 2)) + rng.sample(own, rng.randint(1, 2))
    sentences += [f.format(town=s.town, region=s.region, weekday=weekday) for f in fillers]
    rest = sentences[1:]
    rng.shuffle(rest)
    effort = rng.choice(("search", "clean-up", "rescue", "relief effort"))
    title = f"{headline} in {s.town}: {lead_n:,} {lead[0]} as {effort} goes on"
    return {
        "title": title,
        "url": f"https://www.{domain}/{kind}/{s.town.lower()}-{n}",
        "outlet": outlet,
        "published": when.isoformat(),
        "text": "\n\n".join([sentences[0], *rest]),
    }


def write_articles(path: Path, first: int, count: int, seed: int = 0) -> Path:
    """Articles ``first`` to ``first + count`` as one JSON Lines file."""
    with path.open("w", encoding="utf-8") as out:
        for n in range(first, first + count):
            out.write(json.dumps(article(n, seed)) + "\n")
    return path


# --- the store and the server ----------------------------------------------------------------


def build_store(db: Path, size: int, corpus: Path | None, workers: int) -> float:
    """The store, ingested with the CLI (its own pipeline and reconcile); seconds it took."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        source = corpus or write_articles(Path(folder) / "articles.jsonl", 0, size)
        started = time.perf_counter()
        _cli("ingest", "--db", str(db), "--json", "--workers", str(workers), str(source))
    return time.perf_counter() - started


def _cli(*args: str, wait: bool = True) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "newsledger.cli", *args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    if wait and process.wait() not in (0, 1):  # 1: some inputs failed, the rest are stored
        raise SystemExit(f"{' '.join(args[:1])} failed with exit status {process.returncode}")
    return process


def copy_store(db: Path, to: Path) -> None:
    """A consistent copy of a SQLite store (its WAL included), for a run that writes to it."""
    with sqlite3.connect(db) as source, sqlite3.connect(to) as target:
        source.backup(target)


def largest_story(db: Path) -> tuple[str, int, str]:
    """The story with most documents, its size, and the name its claims quote most."""
    with sqlite3.connect(db) as connection:
        story_id, size = connection.execute(
            "SELECT story_id, count(*) FROM story_members GROUP BY story_id "
            "ORDER BY count(*) DESC, story_id LIMIT 1"
        ).fetchone()
        (name,) = connection.execute(
            "SELECT c.source_canonical FROM claims AS c JOIN story_members AS m "
            "ON m.document_id = c.document_id WHERE m.story_id = ? "
            "AND c.source_kind = 'person' AND c.source_canonical IS NOT NULL "
            "GROUP BY c.source_canonical ORDER BY count(*) DESC LIMIT 1",
            (story_id,),
        ).fetchone()
    return str(story_id), int(size), str(name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``newsledger serve`` on loopback, in its own process, for the length of a ``with``."""

    def __init__(self, db: Path) -> None:
        self.base = f"http://127.0.0.1:{_free_port()}"
        port = self.base.rsplit(":", 1)[1]
        self.process = _cli("serve", "--db", str(db), "--port", port, wait=False)

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/api/documents?limit=1", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.5)
        self.__exit__()
        raise SystemExit("the server did not start")

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def documents(self) -> int:
        return int(httpx.get(self.base + "/api/documents?limit=1", timeout=30).json()["total"])


# --- the load ------------------------------------------------------------------------------


def _get(client: httpx.Client, url: str, deadline: float) -> float | None:
    """Seconds one GET took; ``None`` for an error, a timeout, or a request past the deadline."""
    if time.monotonic() > deadline:
        return None
    started = time.perf_counter()
    try:
        ok = client.get(url).status_code == 200
    except httpx.HTTPError:
        ok = False
    return time.perf_counter() - started if ok else None


def load(url: str, requests: int, concurrency: int, max_seconds: float, queue: Any) -> None:
    """The load generator, run in its own process: ``requests`` GETs, ``concurrency`` at once,
    none sent after ``max_seconds``."""
    deadline = time.monotonic() + max_seconds
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            times = list(pool.map(lambda _: _get(client, url, deadline), range(requests)))
        wall = time.perf_counter() - started
    done = sorted(t for t in times if t is not None)
    cuts = statistics.quantiles(done, n=100) if len(done) >= 2 else [float("nan")] * 99
    queue.put(
        {
            "requests": requests,
            "concurrency": concurrency,
            "errors": len(times) - len(done),
            "seconds": round(wall, 2),
            "requests_per_s": round(len(done) / wall, 1),
            "p50_ms": round(cuts[49] * 1000, 1),
            "p95_ms": round(cuts[94] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1),
            "max_ms": round(done[-1] * 1000, 1) if done else None,
            "meets_p95_target": bool(done) and cuts[94] * 1000 <= TARGET_P95_MS,
        }
    )


def measure(url: str, requests: int, concurrency: int, max_seconds: float) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue: Any = context.Queue()
    process = context.Process(target=load, args=(url, requests, concurrency, max_seconds, queue))
    process.start()
    result: dict[str, Any] = queue.get(timeout=max_seconds + REQUEST_TIMEOUT_S + 60)
    process.join()
    return result


def _first(url: str) -> float:
    """Seconds of the first request of a URL (it builds what later ones reuse), which must pass."""
    started = time.perf_counter()
    response = httpx.get(url, timeout=1800)
    response.raise_for_status()
    return round(time.perf_counter() - started, 2)


@dataclass(frozen=True)
class Targets:
    story: str
    search: str

    @classmethod
    def of(cls, base: str, story_id: str, person: str) -> Targets:
        query = httpx.QueryParams({"q": person})
        return cls(f"{base}/stories/{story_id}", f"{base}/api/search?{query}")

    def measure(self, args: argparse.Namespace) -> dict[str, Any]:
        bounds = (args.requests, args.concurrency, args.max_seconds)
        return {
            "story_page": measure(self.story, *bounds),
            "search_api": measure(self.search, *bounds),
        }


def run(args: argparse.Namespace) -> dict[str, Any]:
    story_id, size, person = largest_story(args.db)
    info = {"store_documents": args.docs, "story_documents": size, "search_query": person}
    with Server(args.db) as server:
        targets = Targets.of(server.base, story_id, person)
        info["first_story_page_s"] = _first(targets.story)
        info["first_search_s"] = _first(targets.search)
        return {**info, **targets.measure(args)}


def run_while_ingesting(args: argparse.Namespace) -> dict[str, Any]:
    """The same load on a copy of the store while ``newsledger ingest`` adds to it."""
    story_id, size, person = largest_story(args.db)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "store.db"
        copy_store(args.db, db)
        batch = write_articles(Path(folder) / "batch.jsonl", args.docs, args.ingest_docs)
        with Server(db) as server:
            targets = Targets.of(server.base, story_id, person)
            _first(targets.story), _first(targets.search)
            before = server.documents()
            started = time.perf_counter()
            ingest = _cli("ingest", "--db", str(db), "--workers", "1", str(batch), wait=False)
            try:
                while server.documents() == before and ingest.poll() is None:
                    time.sleep(0.5)  # the ingest's model loads before its first document
                at_start = server.documents()
                measured = targets.measure(args)
                at_end, overlapped = server.documents(), ingest.poll() is None
                status = ingest.wait(timeout=args.max_seconds * 10)
            finally:
                if ingest.poll() is None:
                    ingest.kill()
            seconds = time.perf_counter() - started
            after = server.documents()
    return {
        "store_documents": before,
        "story_documents": size,
        "search_query": person,
        **measured,
        "ingest": {
            "documents": args.ingest_docs,
            "workers": 1,
            "exit_status": status,
            "seconds": round(seconds, 1),
            "stored_during_load": at_end - at_start,
            "stored_in_all": after - before,
            "still_running_when_load_ended": overlapped,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=5000, help="documents in the store")
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=120, help="per endpoint")
    parser.add_argument("--db", type=Path, help="the store (default: cached per --docs)")
    parser.add_argument("--corpus", type=Path, help="ingest this instead of invented articles")
    parser.add_argument("--workers", type=int, default=2, help="ingest workers for the store")
    parser.add_argument("--while-ingesting", action="store_true")
    parser.add_argument("--ingest-docs", type=int, default=300, help="the concurrent batch")
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON merged into")
    args = parser.parse_args()
    args.db = args.db or HERE / "results" / f"web-load-{args.docs}.db"
    if not args.db.exists():
        partial = args.db.with_suffix(".building.db")
        partial.unlink(missing_ok=True)
        seconds = build_store(partial, args.docs, args.corpus, args.workers)
        os.replace(partial, args.db)
        print(f"built {args.db} in {seconds:.0f} s", file=sys.stderr)
    results = {"while_ingesting": run_while_ingesting(args)} if args.while_ingesting else run(args)
    print(json.dumps(results, indent=2))
    merged = json.loads(args.results.read_text()) if args.results.exists() else {}
    merged["web"] = {**merged.get("web", {}), **results}
    args.results.write_text(json.dumps(merged, indent=2) + "\n")


if __name__ == "__main__":
    main()
