"""Fetching http(s) URLs named on the command line, never internal addresses.

A URL could point at a metadata service or an admin page on the user's network, so every host
(on every redirect hop) is resolved and refused when any of its addresses is loopback, private,
link-local, multicast, reserved or unspecified, unless the user opts in. Only URLs given by the
user are fetched: a URL inside article text never is.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx

from newsledger.config import Limits
from newsledger.errors import Errors, InputError

_USER_AGENT = "newsledger/0.1 (+https://example.invalid/newsledger)"


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def check_address(url: str, allow_private: bool) -> None:
    """Refuse a URL whose scheme is not http(s) or whose host resolves to an internal address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(Errors.E015, url=url, detail="only http and https URLs are fetched")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(Errors.E016, url=url, detail=f"cannot resolve host: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise InputError(
                Errors.E015, url=url, detail=f"host resolves to internal address {address}"
            )


def fetch(url: str, limits: Limits) -> tuple[bytes, str]:
    """The body of ``url`` and the final URL after redirects, within time, size and hop limits."""
    with httpx.Client(
        timeout=limits.fetch_timeout, follow_redirects=False, headers={"User-Agent": _USER_AGENT}
    ) as client:
        for _ in range(limits.fetch_max_redirects + 1):
            check_address(url, limits.allow_private_addresses)
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise InputError(
                            Errors.E016, url=url, detail=f"HTTP {response.status_code}"
                        )
                    return _read_capped(response, url, limits), url
            except httpx.HTTPError as exc:
                raise InputError(
                    Errors.E016, url=url, detail=str(exc) or type(exc).__name__
                ) from exc
    raise InputError(
        Errors.E016, url=url, detail=f"more than {limits.fetch_max_redirects} redirects"
    )


def _read_capped(response: httpx.Response, url: str, limits: Limits) -> bytes:
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limits.fetch_max_bytes:
            raise InputError(
                Errors.E016, url=url, detail=f"response over {limits.fetch_max_bytes} bytes"
            )
    return bytes(body)
