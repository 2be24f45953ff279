"""The web app: pages, JSON API and downloads over one store, safe by default.

``create_app(db, token)`` opens the store and wires the pieces, one module per concern:
:mod:`~newsledger.web.pages` (HTML), :mod:`~newsledger.web.api` (JSON),
:mod:`~newsledger.web.downloads` (briefing files, CSV), :mod:`~newsledger.web.data` (reads),
:mod:`~newsledger.web.search` (full text), :mod:`~newsledger.web.security` (headers, hosts,
token). Errors never show a stack trace: unknown ids answer 404, bad parameters 422, a missing
reconcile stage 503, anything unexpected a plain 500 page (the trace goes to the server log).
FastAPI's interactive docs are off (they load scripts from a CDN); the API is described at
``/openapi.json``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsledger import __version__
from newsledger.store import Store
from newsledger.web import api, downloads, pages
from newsledger.web.data import BriefingUnavailable, Builder, Ledger
from newsledger.web.render import page
from newsledger.web.security import (
    Guard,
    add_security_headers,
    check_bind,
    plain_error,
    wants_json,
)

__all__ = ["check_bind", "create_app"]

log = logging.getLogger("newsledger.web")
#: The interpreter's thread switch interval while the app serves (see ``create_app``).
SWITCH_INTERVAL_S = 0.0005


def create_app(
    db: str | None,
    token: str | None = None,
    *,
    loopback_only: bool | None = None,
    briefing: Builder | None = None,
) -> FastAPI:
    """The app over the store at ``db`` (a path or SQLAlchemy URL; ``None``: the default).

    With ``token`` every request must carry it (see :mod:`newsledger.web.security`). Without
    one, only requests addressed to a loopback name are answered (``loopback_only`` overrides
    that either way), which is what a server bound to 127.0.0.1 needs against DNS rebinding.
    ``briefing`` replaces ``newsledger.pipeline.build_briefing`` (tests, other reconcilers).
    """
    store = Store(db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # A story's briefing is rebuilt in a background thread while documents arrive
        # (seconds of Python); handing the interpreter lock over more often keeps requests
        # from queueing behind it (CPython's default is 5 ms per hand-over).
        previous = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        try:
            yield
        finally:
            sys.setswitchinterval(previous)
            ledger.close()
            store.close()

    app = FastAPI(
        title="newsledger",
        version=__version__,
        description="Stories, facts, claims, documents and sources of a newsledger store.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    ledger = app.state.ledger = Ledger(store, briefing)
    app.include_router(downloads.router)  # before the pages: /facts/S/F.csv is not a fact id
    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(packages=[("newsledger.web", "static")]), name="static")
    only_loopback = token is None if loopback_only is None else loopback_only
    app.add_middleware(Guard, token=token, loopback_only=only_loopback)
    _handle_errors(app)
    return app


def _handle_errors(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(BriefingUnavailable, _unavailable)
    app.add_exception_handler(Exception, _unexpected)


def error(
    request: Request, status: int, message: str, problems: list[str] | None = None
) -> Response:
    """An error as JSON (``{"detail": ...}``) for the API, as a page for everything else."""
    if wants_json(request.url.path):
        body: dict[str, Any] = {"detail": message}
        if problems:
            body["errors"] = problems
        return JSONResponse(body, status_code=status)
    return page(
        request, "error.j2", status_code=status, status=status, message=message,
        problems=problems or [],
    )  # fmt: skip


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    messages = {404: "Not found.", 405: "Method not allowed."}
    detail = exc.detail if isinstance(exc.detail, str) else messages.get(exc.status_code, "Error.")
    response = error(request, exc.status_code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _invalid(request: Request, exc: Exception) -> Response:
    """422 naming each bad parameter and why; the value sent is not echoed back."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        f"{'.'.join(str(part) for part in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
        for e in exc.errors()
    ]
    return error(request, 422, "Some parameters are not valid.", problems)


async def _unavailable(request: Request, exc: Exception) -> Response:
    return error(request, 503, str(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    """A plain 500; this runs outside :class:`Guard`, so it sets the safety headers itself."""
    log.error("error serving %s", request.url.path, exc_info=exc)
    response = plain_error(request.url.path, 500, "Something went wrong on the server.")
    add_security_headers(response.headers)
    return response
