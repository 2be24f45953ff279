"""Safety in one place: response headers, which hosts are answered, and the access token.

Every response leaves through :class:`Guard`, which adds the headers below (the 500 handler,
which runs outside it, adds them itself). The Content-Security-Policy allows nothing remote and
nothing inline: even if some article text escaped escaping, a browser would not run it.

Access: without a token the server answers only requests addressed to a loopback name
(``127.0.0.1``, ``localhost``, ``[::1]``), so a web page cannot reach it through DNS rebinding;
``newsledger serve`` refuses to bind elsewhere. With a token, every request must carry it,
either as ``Authorization: Bearer TOKEN`` (scripts, the API) or as the ``token`` cookie, which
a browser gets by opening any page once with ``?token=TOKEN``: the server checks it, sets the
cookie (HttpOnly, SameSite=Strict, holding a keyed hash of the token, never the token itself)
and redirects to the same page without it, so the token does not stay in the address bar.
Tokens are compared with :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from urllib.parse import urlencode

from markupsafe import escape
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Names of where the token travels, not secrets.
TOKEN_COOKIE = "token"  # noqa: S105
TOKEN_PARAM = "token"  # noqa: S105
TOKEN_ENV = "NEWSLEDGER_TOKEN"  # noqa: S105
_COOKIE_KEY = b"newsledger web session"


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine only (``localhost``, 127.0.0.0/8, ::1)."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> str | None:
    """Why the server must not bind to ``host`` (a reason to print), or ``None`` when it may."""
    if is_loopback(host) or token:
        return None
    return (
        f"Refusing to serve on {host}: it is reachable from other machines. Give an access "
        f"token (--token or ${TOKEN_ENV}) to serve beyond 127.0.0.1."
    )


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port (``[::1]:8000`` -> ``::1``)."""
    header = header.strip()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def cookie_value(token: str) -> str:
    """What the cookie holds: a keyed hash of the token, so the token itself is never stored."""
    return hmac.new(token.encode("utf-8"), _COOKIE_KEY, hashlib.sha256).hexdigest()


def add_security_headers(headers: MutableHeaders) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value


def wants_json(path: str) -> bool:
    """The API and the OpenAPI description answer errors in JSON; pages answer in HTML."""
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def plain_error(path: str, status: int, message: str) -> Response:
    """A short error response that needs no template (used before the app runs, and for 500)."""
    if wants_json(path):
        return JSONResponse({"detail": message}, status_code=status)
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{status} · newsledger</title></head><body><main><h1>{status}</h1>"
        f"<p>{escape(message)}</p></main></body></html>\n"
    )
    return HTMLResponse(page, status_code=status)


class Guard:
    """ASGI middleware: security headers on every response, the host check, the token check."""

    def __init__(self, app: ASGIApp, token: str | None = None, loopback_only: bool = True) -> None:
        self.app = app
        self.token = token or None
        self.loopback_only = loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # no socket routes: refuse before anything runs
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message))
            await send(message)

        refusal = self._refusal(Request(scope))
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _refusal(self, request: Request) -> Response | None:
        """The response that stops a request here, or ``None`` to let it through."""
        path = request.url.path
        if self.loopback_only and not is_loopback(host_name(request.headers.get("host", ""))):
            return plain_error(
                path,
                400,
                "This server answers only requests addressed to 127.0.0.1 or localhost "
                "(start it with a token to serve other names).",
            )
        if self.token is None:
            return None
        given = request.query_params.get(TOKEN_PARAM)
        if given is not None:
            if same_secret(given, self.token):
                return self._remember(request)
            return self._unauthorized(path, "The token given is wrong.")
        if self._carries_token(request):
            return None
        return self._unauthorized(
            path,
            "This server needs its access token: send 'Authorization: Bearer TOKEN', "
            "or open any page once with ?token=TOKEN in a browser.",
        )

    def _carries_token(self, request: Request) -> bool:
        assert self.token is not None
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and same_secret(credentials.strip(), self.token):
            return True
        cookie = request.cookies.get(TOKEN_COOKIE)
        return cookie is not None and same_secret(cookie, cookie_value(self.token))

    def _remember(self, request: Request) -> Response:
        """Set the cookie and send the browser to the same page without the token in its URL."""
        assert self.token is not None
        rest = [(k, v) for k, v in request.query_params.multi_items() if k != TOKEN_PARAM]
        target = "/" + request.url.path.lstrip("/")  # never "//host": no open redirect
        if rest:
            target += "?" + urlencode(rest)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            TOKEN_COOKIE,
            cookie_value(self.token),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    @staticmethod
    def _unauthorized(path: str, message: str) -> Response:
        response = plain_error(path, 401, message)
        response.headers["WWW-Authenticate"] = 'Bearer realm="newsledger"'
        return response
