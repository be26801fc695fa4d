"""A throwaway PostgreSQL cluster for the test suite (the server engine of docs/server.md).

``make test`` needs no server set up beforehand: the first test that asks for the
PostgreSQL engine runs ``initdb`` into ``.pgtest/`` under the build folder (or a
temporary folder when the server's user cannot reach the build folder), starts it
on 127.0.0.1 with a free port, and stops and deletes it when the session ends.

PostgreSQL refuses to run as root, and CI runs as root: then the cluster runs as
the ``postgres`` system user (made by Debian's package) or ``nobody``. Tests
connect over TCP with a password (scram-sha-256), as a workstation would, so the
"password never shown" checks see a real password in the URL.

Each test gets a fresh database copied from a template (``CREATE DATABASE …
TEMPLATE``), which takes a fraction of a second, instead of a fresh cluster.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUPERUSER = "kcdesk_test"
PASSWORD = "mật-khẩu-thử 7$Q"  # non-ASCII and a space: URL quoting is exercised too


class ServerUnavailable(RuntimeError):
    """The throwaway server could not be started; the message says why."""


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServerUnavailable(
        "PostgreSQL is not installed (no initdb): run 'bash tools/sysdeps.sh test' as root, "
        "or choose the engines with KCDESK_TEST_ENGINES=sqlite."
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> tuple[int, int] | None:
    """The (uid, gid) to run the server as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise ServerUnavailable("running as root and no 'postgres' or 'nobody' user to run the server")


def _reachable_by(path: Path, ids: tuple[int, int] | None) -> bool:
    """Can the server's user enter every folder down to ``path``?"""
    if ids is None:
        return True
    result = subprocess.run(
        ["test", "-x", str(path), "-a", "-w", str(path)],
        user=ids[0],
        group=ids[1],
        extra_groups=[],
        check=False,
    )
    return result.returncode == 0


class PgServer:
    """One throwaway cluster; ``url(dbname)`` names a database on it."""

    def __init__(self, *, shared_buffers: str = "32MB") -> None:
        # 32 MB keeps the test clusters small; the server benchmark asks for a size
        # that holds its 100,000 proposals, as docs/server.md tells an IT officer.
        self.shared_buffers = shared_buffers
        self.bin = _bin_dir()
        self.ids = _run_as()
        self.port = _free_port()
        self.base = self._make_base()
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self._counter = 0
        self._templates: dict[str, str] = {}
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._next: dict[str | None, Future[str]] = {}

    def _remove_stale(self, build: Path) -> None:
        """Clusters left by a test run that was killed (its pid is gone): stop, delete."""
        for old in build.iterdir():
            pid = old.name.split("-", 1)[0]
            if not pid.isdigit() or Path(f"/proc/{pid}").exists():
                continue
            if (old / "data" / "postmaster.pid").exists():
                self._run([str(self.bin / "pg_ctl"), "-D", str(old / "data"), "-m", "immediate",
                           "-w", "stop"])  # fmt: skip
            shutil.rmtree(old, ignore_errors=True)

    def _make_base(self) -> Path:
        build = ROOT / ".pgtest"
        build.mkdir(exist_ok=True)
        self._remove_stale(build)
        base = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=build))
        if self.ids is not None:
            os.chown(base, *self.ids)
            if not _reachable_by(base, self.ids):
                shutil.rmtree(base, ignore_errors=True)
                base = Path(tempfile.mkdtemp(prefix="kcdesk-pgtest-"))
                os.chown(base, *self.ids)
        return base

    def _run(self, args: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        extra: dict[str, Any] = {}
        if self.ids is not None:
            extra = {"user": self.ids[0], "group": self.ids[1], "extra_groups": []}
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
        }
        return subprocess.run(args, capture_output=True, text=True, env=env, cwd="/", **extra, **kw)

    def start(self) -> None:
        pwfile = self.base / "pw"
        pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
        if self.ids is not None:
            os.chown(pwfile, *self.ids)
        result = self._run(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        pwfile.unlink()
        if result.returncode != 0:
            raise ServerUnavailable(f"initdb failed: {result.stderr.strip()[-500:]}")
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories='' -c fsync=off -c synchronous_commit=off "
            f"-c full_page_writes=off -c max_connections=200 -c shared_buffers={self.shared_buffers}"
        )
        result = self._run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                "-t",
                "120",
                "start",
            ]
        )
        if result.returncode != 0:
            tail = self.log.read_text(errors="replace")[-800:] if self.log.exists() else ""
            raise ServerUnavailable(f"pg_ctl start failed: {result.stderr.strip()} {tail}")

    def stop(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self.data.exists():
            self._run(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
            )
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, dbname: str = "postgres", *, password: bool = True) -> str:
        from sqlalchemy.engine import URL

        return URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            password=PASSWORD if password else None,
            host="127.0.0.1",
            port=self.port,
            database=dbname,
        ).render_as_string(hide_password=False)

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction on the maintenance database."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            password=PASSWORD,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def template(self, name: str, build: Callable[[str], None]) -> str:
        """A template database made once by ``build(url)``; returns its name."""
        if name not in self._templates:
            self.admin(f'CREATE DATABASE "{name}"')
            build(self.url(name))
            self._templates[name] = name
        return name

    def _create(self, name: str, template: str | None) -> str:
        suffix = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        # Another connection left on the template would make the copy fail; retry briefly.
        for attempt in range(20):
            try:
                self.admin(f'CREATE DATABASE "{name}"{suffix}')
                return name
            except Exception as exc:  # psycopg.errors.ObjectInUse
                if "being accessed by other users" not in str(exc) or attempt == 19:
                    raise
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def fresh(self, template: str | None = None) -> str:
        """A new empty (or template-copied) database; returns its name.

        Copying a template costs about a second under load (the copy waits for a
        checkpoint), so the next copy of the same template is made in the background
        while the current test runs.
        """
        pending = self._next.pop(template, None)
        name = pending.result() if pending is not None else None
        if name is None:
            self._counter += 1
            name = self._create(f"t{self._counter}", template)
        self._counter += 1
        self._next[template] = self._pool.submit(self._create, f"t{self._counter}", template)
        return name

    def drop(self, name: str) -> None:
        with contextlib.suppress(Exception):
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
