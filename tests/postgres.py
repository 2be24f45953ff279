"""A throwaway PostgreSQL server for the store tests, on loopback, in a temporary folder.

The server comes from Debian's packages (``.ci/run`` installs them). Where they are missing
the PostgreSQL tests are skipped locally but fail on CI (``CI`` set), so a broken set-up can
never pass as green. ``NEWSLEDGER_TEST_POSTGRES`` (a SQLAlchemy URL of a server whose user may
create databases) replaces the throwaway server.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the packages' postgres user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required on CI: {reason}")
    pytest.skip(f"PostgreSQL not available here: {reason}")


@contextmanager
def server() -> Iterator[str]:
    """The admin URL of a running server (``postgresql+psycopg://...``) for the whole session."""
    given = os.environ.get("NEWSLEDGER_TEST_POSTGRES")
    if given:
        yield given
        return
    binaries = _binaries()
    if binaries is None:
        _unavailable("no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)")
        return
    folder = Path(tempfile.mkdtemp(prefix="newsledger-pg-"))
    data = folder / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    init = [
        str(binaries / "initdb"),
        "-D",
        str(data),
        "-U",
        "newsledger",
        "--auth=trust",
        "-E",
        "UTF8",
    ]
    subprocess.run(_as_server_user(init), check=True, capture_output=True)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
    start = [
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(folder / "log"),
        "-w",
        "start",
    ]
    subprocess.run(_as_server_user(start), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://newsledger@127.0.0.1:{port}/postgres"
    finally:
        stop = [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(_as_server_user(stop), check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(admin_url: str) -> str:
    """A new empty database on the server; its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    for attempt in range(50):
        try:
            with psycopg.connect(plain, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            break
        except psycopg.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.1)
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
