"""Fetching http(s) URLs named on the command line (or watched), never internal addresses.

A URL could point at a metadata service or an admin page on the user's network, so every host
(on every redirect hop) is resolved and refused when any of its addresses is loopback, private,
link-local, multicast, reserved or unspecified (an IPv6 address that embeds an IPv4 one, as
mapped, 6to4, Teredo or NAT64 addresses do, is judged by that IPv4 address), unless the user
opts in. Only URLs given by the user are fetched: a URL inside article text never is.

The connection goes to an address that was checked, not to whatever the name resolves to a
moment later: a host whose DNS answer changes between the check and the connection (DNS
rebinding) would otherwise pass the check with a public address and then be reached on an
internal one. Each hop's request is sent to the checked IP with the name kept in the ``Host``
header and, for https, in the TLS server name (SNI), against which the certificate is verified.
For the same reason no proxy from the environment is used (a proxy resolves names itself), and
no connection is reused across hops.

Every fetch is bounded: ``Limits.fetch_timeout`` seconds in all (connects, redirects and the
body together, so a server that trickles bytes is cut off too), ``fetch_max_bytes`` of body
after decompression, ``fetch_max_redirects`` hops; only http and https are followed.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from newsledger.config import Limits
from newsledger.errors import Errors, InputError

_USER_AGENT = "newsledger/0.1 (+https://example.invalid/newsledger)"
#: NAT64 (RFC 6052): the last 32 bits are an IPv4 address, reached through a translator.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class Fetched:
    """The outcome of one fetch: the body (empty for 304 Not Modified), the final URL after
    redirects, the HTTP status, and the validators to send next time (``watch`` keeps them)."""

    body: bytes
    url: str
    status: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class _Target:
    """One hop: the URL as named, the host as sent in ``Host`` and SNI, and its addresses
    (all checked), in the resolver's order."""

    url: httpx.URL
    host: str
    addresses: tuple[str, ...]


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def internal(address: str) -> bool:
    """Whether an IP address is one a fetch must not reach: anything not globally routable
    (loopback, private, link-local, shared, reserved, unspecified, documentation) or multicast."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return internal(str(embedded))
    return not ip.is_global or ip.is_multicast


def check_address(url: str, allow_private: bool) -> None:
    """Refuse a URL whose scheme is not http(s) or whose host resolves to an internal address."""
    _resolve(url, allow_private)


def _resolve(url: str, allow_private: bool) -> _Target:
    """The hop to ``url``: its host resolved once, every address checked."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InputError(Errors.E015, url=url, detail=f"not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.raw_host:
        raise InputError(Errors.E015, url=url, detail="only http and https URLs are fetched")
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(Errors.E016, url=url, detail=f"cannot resolve host: {exc}") from exc
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise InputError(Errors.E016, url=url, detail="cannot resolve host: no address")
    if not allow_private:
        for address in addresses:
            if internal(address):
                detail = f"host resolves to internal address {address}"
                raise InputError(Errors.E015, url=url, detail=detail)
    return _Target(parsed, host, addresses)


def fetch(url: str, limits: Limits) -> tuple[bytes, str]:
    """The body of ``url`` and the final URL after redirects, within time, size and hop limits."""
    fetched = fetch_conditional(url, limits)
    if fetched.status == 304:
        detail = "HTTP 304 Not Modified to an unconditional request"
        raise InputError(Errors.E016, url=fetched.url, detail=detail)
    return fetched.body, fetched.url


def fetch_conditional(
    url: str, limits: Limits, etag: str | None = None, last_modified: str | None = None
) -> Fetched:
    """Fetch ``url`` unless it is unchanged since the validators given (from an earlier
    :class:`Fetched`): sent as ``If-None-Match`` and ``If-Modified-Since``, so a server that
    supports them answers 304 with no body. A 304 comes back with an empty body and the
    validators of the response, else those given. Same guards and limits as :func:`fetch`.
    """
    headers = {"User-Agent": _USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + limits.fetch_timeout
    with httpx.Client(
        follow_redirects=False,
        trust_env=False,
        verify=_tls_context(),
        limits=httpx.Limits(max_keepalive_connections=0),
    ) as client:
        for _ in range(limits.fetch_max_redirects + 1):
            target = _resolve(url, limits.allow_private_addresses)
            with _get(client, target, headers, deadline, limits) as response:
                if response.has_redirect_location:
                    url = urljoin(url, response.headers["location"])
                    continue
                found_etag = response.headers.get("etag")
                found_modified = response.headers.get("last-modified")
                if response.status_code == 304:
                    return Fetched(
                        b"", url, 304, found_etag or etag, found_modified or last_modified
                    )
                if response.status_code >= 400:
                    raise InputError(Errors.E016, url=url, detail=f"HTTP {response.status_code}")
                body = _read_capped(response, url, limits, deadline)
                return Fetched(body, url, response.status_code, found_etag, found_modified)
    raise InputError(
        Errors.E016, url=url, detail=f"more than {limits.fetch_max_redirects} redirects"
    )


def _tls_context() -> ssl.SSLContext:
    """Certificates verified as httpx does by default (``SSL_CERT_FILE`` or ``SSL_CERT_DIR``,
    else certifi's bundle): made here because ``trust_env`` is off, which would also bring in
    the environment's proxies."""
    import certifi

    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    return ssl.create_default_context(cafile=certifi.where())


@contextmanager
def _get(
    client: httpx.Client,
    target: _Target,
    headers: dict[str, str],
    deadline: float,
    limits: Limits,
) -> Iterator[httpx.Response]:
    """The response to a GET of the hop, sent to its first checked address that connects."""
    url = str(target.url)
    failed: httpx.TransportError | None = None
    for address in target.addresses:
        request = client.build_request(
            "GET",
            target.url.copy_with(host=address.split("%")[0]),
            headers={**headers, "Host": target.url.netloc.decode("ascii")},
            extensions={"sni_hostname": target.host},
            timeout=_remaining(deadline, url, limits),
        )
        try:
            response = client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            failed = exc
            continue
        except httpx.TimeoutException as exc:
            raise _timed_out(url, limits) from exc
        except httpx.HTTPError as exc:
            raise InputError(Errors.E016, url=url, detail=str(exc) or type(exc).__name__) from exc
        try:
            yield response
        except httpx.TimeoutException as exc:
            raise _timed_out(url, limits) from exc
        except httpx.HTTPError as exc:
            raise InputError(Errors.E016, url=url, detail=str(exc) or type(exc).__name__) from exc
        finally:
            response.close()
        return
    detail = f"cannot connect: {failed}" if str(failed) else "cannot connect"
    raise InputError(Errors.E016, url=url, detail=detail)


def _remaining(deadline: float, url: str, limits: Limits) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timed_out(url, limits)
    return left


def _timed_out(url: str, limits: Limits) -> InputError:
    return InputError(Errors.E016, url=url, detail=f"took over {limits.fetch_timeout:g} s")


def _read_capped(response: httpx.Response, url: str, limits: Limits, deadline: float) -> bytes:
    """The body, decompressed, refused once it passes the size cap or the deadline."""
    over = InputError(Errors.E016, url=url, detail=f"response over {limits.fetch_max_bytes} bytes")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.fetch_max_bytes:
        raise over
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limits.fetch_max_bytes:
            raise over
        _remaining(deadline, url, limits)
    return bytes(body)
