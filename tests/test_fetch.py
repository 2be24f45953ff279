"""Fetching URLs: internal targets refused on every hop, DNS answers pinned, limits enforced.

No test reaches the network. A server runs in a thread on loopback; names are answered by a
fake resolver (``socket.getaddrinfo`` patched for ``*.test`` names only); and every outgoing
connection goes through a recorder around ``socket.create_connection`` that refuses anything
but the test server, so "the connection went to the checked address" is observed, not assumed.

To exercise a first hop that passes the check and a later one that must not, the server listens
on 127.0.0.2 and the tests that say so treat that one address as public (``pretend_public``):
the check under test is the real one for every other address, so a redirect to 127.0.0.1,
10.0.0.1, 169.254.169.254 or [::1] meets the same rules as in production. The classification
itself is tested on its own, with a table of addresses.
"""

from __future__ import annotations

import gzip
import http.server
import importlib
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from shutil import which
from typing import Any

import pytest

from newsledger.config import Limits
from newsledger.errors import InputError
from newsledger.ingest.fetch import Fetched, fetch, fetch_conditional, internal
from serving import serving

#: The module (``newsledger.ingest.fetch`` as an attribute is the function, re-exported).
fetch_module = importlib.import_module("newsledger.ingest.fetch")
#: The address the test server listens on, and the one some tests treat as public.
SERVER_ADDRESS = "127.0.0.2"
PAGE = b"<html><head><title>Invented page</title></head><body><p>Hello.</p></body></html>"
ALLOWED = Limits(allow_private_addresses=True)

Respond = Callable[["_Handler"], None]


@dataclass
class Server:
    """The test server: ``routes`` answer paths; ``seen`` lists (path, Host, headers) asked."""

    host: str
    port: int
    routes: dict[str, Respond] = field(default_factory=dict)
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str, host: str | None = None, scheme: str = "http") -> str:
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        return [path for path, _, _ in self.seen]


class _Handler(http.server.BaseHTTPRequestHandler):
    server_state: Server

    def do_GET(self) -> None:
        state = self.server_state
        state.seen.append((self.path, self.headers.get("Host", ""), dict(self.headers.items())))
        state.routes.get(self.path, reply(404, b"not found"))(self)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Respond:
    def respond(handler: _Handler) -> None:
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def redirect(location: str, status: int = 302) -> Respond:
    return reply(status, b"", {"Location": location})


class _Quiet(http.server.ThreadingHTTPServer):
    """Handler threads are not waited for on shutdown (a slow route may still be sleeping),
    and a client that hangs up early (as the fetch does on a refused body) is not an error."""

    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


def _serve(address: str, tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    state = Server(address, 0)
    handler = type("Handler", (_Handler,), {"server_state": state})
    try:
        server = _Quiet((address, 0), handler)
    except OSError as exc:
        pytest.skip(f"cannot listen on {address}: {exc}")
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    with serving(server, poll_interval=0.05):
        yield state


@pytest.fixture
def server() -> Iterator[Server]:
    yield from _serve(SERVER_ADDRESS)


@dataclass
class Network:
    """The fake resolver's answers (name -> answers in turn, the last one repeated), what it
    was asked, and every connection attempted (host, port)."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    connections: list[tuple[str, int]] = field(default_factory=list)

    def resolves(self, name: str, *answers: list[str]) -> None:
        self.answers[name] = list(answers)


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Network:
    """Fake DNS for ``*.test`` names and a recorder of connections that lets only loopback
    through; every other name is resolved as usual (only IP literals and localhost are)."""
    state = Network()
    real_resolve, real_connect = socket.getaddrinfo, socket.create_connection

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not name.endswith(".test"):
            return real_resolve(host, port, *args, **kwargs)
        state.asked.append(name)
        if name not in state.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        turns = state.answers[name]
        answer = turns.pop(0) if len(turns) > 1 else turns[0]
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (a, int(port or 0), 0, 0) if ":" in a else (a, int(port or 0)),
            )
            for a in answer
        ]

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        state.connections.append((str(address[0]), int(address[1])))
        if not str(address[0]).startswith("127."):
            raise ConnectionRefusedError(f"the tests reach no network ({address[0]})")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return state


@pytest.fixture
def pretend_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat the test server's address as public; every other address as the real check does."""
    real = fetch_module.internal
    monkeypatch.setattr(fetch_module, "internal", lambda a: a != SERVER_ADDRESS and real(a))


def refused(call: Callable[[], object], code: str = "E015") -> InputError:
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.code == code, caught.value.reason
    return caught.value


# --- which addresses are internal -------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "192.0.2.10",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_internal_addresses(address: str) -> None:
    assert internal(address)


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.215.14", "2001:4860:4860::8888", "::ffff:8.8.8.8", "2002:808:808::1"],
)
def test_public_addresses(address: str) -> None:
    assert not internal(address)


# --- internal targets ---------------------------------------------------------------------


def test_loopback_server_refused_by_default_and_fetched_when_allowed(
    server: Server, network: Network
) -> None:
    server.routes["/page"] = reply(200, PAGE)
    error = refused(lambda: fetch(server.url("/page"), Limits()))
    assert f"internal address {SERVER_ADDRESS}" in error.reason
    assert server.seen == [] and network.connections == []
    assert fetch(server.url("/page"), ALLOWED) == (PAGE, server.url("/page"))
    assert network.connections == [(SERVER_ADDRESS, server.port)]


@pytest.mark.parametrize(
    "url", ["http://localhost/", "http://[::1]/", "http://0.0.0.0/", "http://169.254.169.254/"]
)
def test_internal_urls_refused_before_connecting(url: str, network: Network) -> None:
    refused(lambda: fetch(url, Limits()))
    assert network.connections == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://example.com/", "ftp://example.com/", "data:,x"]
)
def test_other_schemes_refused(url: str, network: Network) -> None:
    error = refused(lambda: fetch(url, ALLOWED))
    assert "only http and https" in error.reason
    assert network.connections == []


def test_a_name_whose_dns_answer_is_private_is_refused(network: Network) -> None:
    network.resolves("inside.test", ["10.1.2.3"])
    error = refused(lambda: fetch("http://inside.test/", Limits()))
    assert "internal address 10.1.2.3" in error.reason
    assert network.connections == []


@pytest.mark.parametrize(
    "answer", [["8.8.8.8", "10.0.0.1"], ["10.0.0.1", "8.8.8.8"], ["2001:4860::1", "fd00::1"]]
)
def test_a_dns_answer_mixing_public_and_private_addresses_is_refused(
    network: Network, answer: list[str]
) -> None:
    network.resolves("mixed.test", answer)
    error = refused(lambda: fetch("http://mixed.test/", Limits()))
    assert "internal address" in error.reason
    assert network.connections == []


@pytest.mark.parametrize(
    "inward",
    [
        "http://127.0.0.1:{port}/page",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/page",
        "http://inside.test/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "/elsewhere-but-relative-is-fine-{port}",
    ],
)
def test_a_redirect_inward_is_refused_after_a_public_first_hop(
    server: Server, network: Network, pretend_public: None, inward: str
) -> None:
    location = inward.format(port=server.port)
    network.resolves("public.test", [SERVER_ADDRESS])
    network.resolves("inside.test", ["10.9.9.9"])
    server.routes["/start"] = redirect(location)
    server.routes[location] = reply(200, PAGE)  # the relative case lands here
    start = server.url("/start", host="public.test")
    if location.startswith("/"):  # a control: the same path to a relative target is followed
        assert fetch(start, Limits()) == (PAGE, server.url(location, host="public.test"))
        assert server.paths == ["/start", location]
        return
    refused(lambda: fetch(start, Limits()))
    assert server.paths == ["/start"]
    assert network.connections == [(SERVER_ADDRESS, server.port)]


# --- DNS rebinding: the connection goes to the address checked ------------------------------


def test_rebinding_name_is_connected_at_the_checked_public_address(
    server: Server, network: Network
) -> None:
    """The name answers a public address, then loopback: the fetch connects to the public one
    (here refused: no network) and never reaches the loopback server."""
    network.resolves("rebind.test", ["8.8.8.8"], ["127.0.0.1"], [SERVER_ADDRESS])
    server.routes["/page"] = reply(200, PAGE)
    refused(lambda: fetch(server.url("/page", host="rebind.test"), Limits()), "E016")
    assert network.asked == ["rebind.test"]
    assert network.connections == [("8.8.8.8", server.port)]
    assert server.seen == []


def test_rebinding_name_is_fetched_from_the_checked_address_with_its_host_header(
    server: Server, network: Network, pretend_public: None
) -> None:
    """A second lookup would answer 127.0.0.1, where nothing listens: the fetch succeeds only
    because it connects to the address it checked, and the server sees the name in Host."""
    network.resolves("rebind.test", [SERVER_ADDRESS], ["127.0.0.1"])
    server.routes["/page"] = reply(200, PAGE)
    url = server.url("/page", host="rebind.test")
    assert fetch(url, Limits()) == (PAGE, url)
    assert network.asked == ["rebind.test"]
    assert network.connections == [(SERVER_ADDRESS, server.port)]
    assert server.seen[0][1] == f"rebind.test:{server.port}"


def test_the_next_checked_address_is_tried_when_one_does_not_connect(
    server: Server, network: Network, pretend_public: None
) -> None:
    network.resolves("two.test", ["8.8.4.4", SERVER_ADDRESS])
    server.routes["/page"] = reply(200, PAGE)
    assert fetch(server.url("/page", host="two.test"), Limits())[0] == PAGE
    assert network.connections == [("8.8.4.4", server.port), (SERVER_ADDRESS, server.port)]


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``name`` (and its key), made with the openssl tool."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.skipif(which("openssl") is None, reason="the openssl tool makes the certificate")
@pytest.mark.parametrize(("certified", "ok"), [("public.test", True), ("other.test", False)])
def test_https_to_the_checked_address_verifies_the_certificate_of_the_name(
    tmp_path: Path,
    network: Network,
    pretend_public: None,
    monkeypatch: pytest.MonkeyPatch,
    certified: str,
    ok: bool,
) -> None:
    """The TLS server name stays the host's name while the connection goes to its checked IP:
    a certificate for the name is accepted, one for another name is not."""
    cert, key = _certificate(tmp_path, certified)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    network.resolves("public.test", [SERVER_ADDRESS])
    for server in _serve(SERVER_ADDRESS, tls):
        server.routes["/page"] = reply(200, PAGE)
        url = server.url("/page", host="public.test", scheme="https")
        if ok:
            assert fetch(url, Limits()) == (PAGE, url)
            assert server.seen[0][1] == f"public.test:{server.port}"
        else:
            error = refused(lambda: fetch(url, Limits()), "E016")  # noqa: B023
            assert "certificate" in error.reason.lower()
            assert server.seen == []
        assert network.connections == [(SERVER_ADDRESS, server.port)]


# --- limits -------------------------------------------------------------------------------


def test_a_declared_oversize_body_is_refused(server: Server) -> None:
    server.routes["/big"] = reply(200, b"x" * 5000)
    error = refused(
        lambda: fetch(
            server.url("/big"), Limits(allow_private_addresses=True, fetch_max_bytes=4000)
        ),
        "E016",
    )
    assert "over 4000 bytes" in error.reason


def test_an_undeclared_oversize_body_is_refused_while_reading(server: Server) -> None:
    def unsized(handler: _Handler) -> None:
        handler.protocol_version = "HTTP/1.0"
        handler.send_response(200)
        handler.end_headers()
        for _ in range(50):
            handler.wfile.write(b"y" * 1000)

    server.routes["/unsized"] = unsized
    limits = Limits(allow_private_addresses=True, fetch_max_bytes=4000)
    assert (
        "over 4000 bytes" in refused(lambda: fetch(server.url("/unsized"), limits), "E016").reason
    )


def test_a_small_gzip_body_that_inflates_past_the_cap_is_refused(server: Server) -> None:
    bomb = gzip.compress(b"\0" * 1_000_000)
    server.routes["/bomb"] = reply(200, bomb, {"Content-Encoding": "gzip"})
    limits = Limits(allow_private_addresses=True, fetch_max_bytes=100_000)
    assert len(bomb) < 100_000
    assert "over 100000 bytes" in refused(lambda: fetch(server.url("/bomb"), limits), "E016").reason


def test_a_slow_server_times_out(server: Server) -> None:
    def slow(handler: _Handler) -> None:
        time.sleep(3)
        reply(200, PAGE)(handler)

    server.routes["/slow"] = slow
    started = time.monotonic()
    limits = Limits(allow_private_addresses=True, fetch_timeout=0.5)
    refused(lambda: fetch(server.url("/slow"), limits), "E016")
    assert time.monotonic() - started < 2.5


def test_a_server_that_trickles_is_cut_off_at_the_total_time_limit(server: Server) -> None:
    """Each byte comes well within the timeout, so only a limit on the whole fetch stops it."""

    def trickle(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"z")
            handler.wfile.flush()
            time.sleep(0.1)

    server.routes["/trickle"] = trickle
    started = time.monotonic()
    limits = Limits(allow_private_addresses=True, fetch_timeout=1.0)
    assert "took over 1 s" in refused(lambda: fetch(server.url("/trickle"), limits), "E016").reason
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(("hops", "ok"), [(3, True), (4, False)])
def test_redirects_are_followed_up_to_the_limit(server: Server, hops: int, ok: bool) -> None:
    for n in range(hops):
        server.routes[f"/hop/{n}"] = redirect(f"/hop/{n + 1}", status=(301, 302, 307, 308)[n % 4])
    server.routes[f"/hop/{hops}"] = reply(200, PAGE)
    limits = Limits(allow_private_addresses=True, fetch_max_redirects=3)
    if ok:
        assert fetch(server.url("/hop/0"), limits) == (PAGE, server.url(f"/hop/{hops}"))
    else:
        assert (
            "more than 3 redirects"
            in refused(lambda: fetch(server.url("/hop/0"), limits), "E016").reason
        )
        assert len(server.seen) == 4


def test_an_http_error_status_fails_the_fetch(server: Server) -> None:
    server.routes["/gone"] = reply(410, b"gone")
    assert "HTTP 410" in refused(lambda: fetch(server.url("/gone"), ALLOWED), "E016").reason


# --- conditional requests ---------------------------------------------------------------------


def _conditional(etag: str | None, modified: str | None) -> Respond:
    """200 with the validators, or 304 when the request carries a matching one."""

    def respond(handler: _Handler) -> None:
        validators = {"ETag": etag, "Last-Modified": modified}
        headers = {k: v for k, v in validators.items() if v}
        unchanged = (etag and handler.headers.get("If-None-Match") == etag) or (
            modified and handler.headers.get("If-Modified-Since") == modified
        )
        if unchanged:
            handler.send_response(304)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            return
        reply(200, PAGE, headers)(handler)

    return respond


def test_conditional_fetch_with_an_etag(server: Server) -> None:
    server.routes["/feed"] = _conditional('"v1"', None)
    first = fetch_conditional(server.url("/feed"), ALLOWED)
    assert first == Fetched(PAGE, server.url("/feed"), 200, '"v1"', None)
    again = fetch_conditional(server.url("/feed"), ALLOWED, etag=first.etag)
    assert again == Fetched(b"", server.url("/feed"), 304, '"v1"', None)
    assert server.seen[1][2]["If-None-Match"] == '"v1"'
    assert "If-None-Match" not in server.seen[0][2]


def test_conditional_fetch_with_last_modified(server: Server) -> None:
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
    server.routes["/feed"] = _conditional(None, stamp)
    first = fetch_conditional(server.url("/feed"), ALLOWED)
    assert (first.status, first.etag, first.last_modified) == (200, None, stamp)
    again = fetch_conditional(server.url("/feed"), ALLOWED, last_modified=stamp)
    assert again == Fetched(b"", server.url("/feed"), 304, None, stamp)
    assert server.seen[1][2]["If-Modified-Since"] == stamp


def test_a_304_keeps_the_validators_given_unless_it_sends_new_ones(server: Server) -> None:
    server.routes["/bare"] = reply(304)
    server.routes["/new"] = reply(304, b"", {"ETag": '"v2"'})
    bare = fetch_conditional(server.url("/bare"), ALLOWED, etag='"v1"', last_modified="yesterday")
    assert (bare.status, bare.body, bare.etag, bare.last_modified) == (
        304,
        b"",
        '"v1"',
        "yesterday",
    )
    assert fetch_conditional(server.url("/new"), ALLOWED, etag='"v1"').etag == '"v2"'


def test_conditional_fetch_follows_redirects_with_the_same_guards(
    server: Server, network: Network, pretend_public: None
) -> None:
    network.resolves("public.test", [SERVER_ADDRESS])
    server.routes["/old"] = redirect("/feed", 301)
    server.routes["/feed"] = _conditional('"v1"', None)
    server.routes["/inward"] = redirect("http://10.0.0.1/feed")
    start = server.url("/old", host="public.test")
    again = fetch_conditional(start, Limits(), etag='"v1"')
    assert (again.status, again.url) == (304, server.url("/feed", host="public.test"))
    assert server.seen[-1][2]["If-None-Match"] == '"v1"'
    refused(
        lambda: fetch_conditional(server.url("/inward", host="public.test"), Limits(), etag='"v1"')
    )


def test_plain_fetch_refuses_a_304_it_did_not_ask_for(server: Server) -> None:
    server.routes["/odd"] = reply(304)
    assert "304" in refused(lambda: fetch(server.url("/odd"), ALLOWED), "E016").reason
