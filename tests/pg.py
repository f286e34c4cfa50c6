"""Pytest plugin: throwaway PostgreSQL 15 cluster and migrated database URLs.

Fixtures:
- ``pg_url`` (session): URL of a database in a cluster started for this run
  with ``initdb`` + ``pg_ctl`` (fsync off, loopback only, random port).
- ``db_url`` (function, parametrized ``sqlite`` / ``postgresql``): a fresh
  database migrated to head, for one test. PostgreSQL cases carry the ``pg``
  marker; both are copied from a template migrated once per run.

Without the PostgreSQL binaries the PostgreSQL cases are skipped, except in
CI (env ``CI`` set) where they fail: CI must run them.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from storage.migrate import upgrade

PG_BIN = Path(os.environ.get("FILROUGE_PG_BIN", "/usr/lib/postgresql/15/bin"))
_TEMPLATE_DB = "filrouge_template"
_counter = itertools.count(1)


@dataclass(frozen=True)
class PgCluster:
    """A running throwaway cluster, reachable on 127.0.0.1 as ``postgres``."""

    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(sql.encode())


def _as_postgres() -> list[str]:
    # PostgreSQL refuses to run as root; the suite may run as root in containers.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(*args: str) -> None:
    done = subprocess.run([*_as_postgres(), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """Start a PostgreSQL cluster for the test session; stop and remove it after."""
    if not (PG_BIN / "pg_ctl").exists():
        reason = f"PostgreSQL binaries not found in {PG_BIN} (apt install postgresql-15)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests")
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="filrouge-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    try:
        _run(str(PG_BIN / "initdb"), "-D", str(data), "--no-sync", "-A", "trust",
             "-U", "postgres", "-E", "UTF8", "--locale=C")  # fmt: skip
        options = (
            f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root}"
        )
        _run(str(PG_BIN / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data),
             "-l", str(root / "server.log"), "-o", options)  # fmt: skip
        try:
            yield PgCluster(port)
        finally:
            _run(str(PG_BIN / "pg_ctl"), "stop", "-m", "immediate", "-D", str(data))
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url(pg_cluster: PgCluster) -> str:
    """URL of an empty database (``filrouge``) in the session's cluster."""
    pg_cluster.admin("CREATE DATABASE filrouge")
    return pg_cluster.url("filrouge")


@pytest.fixture(scope="session")
def _pg_template(pg_cluster: PgCluster) -> str:
    pg_cluster.admin(f"CREATE DATABASE {_TEMPLATE_DB}")
    upgrade(pg_cluster.url(_TEMPLATE_DB))  # disposes its engine: the template is idle
    return _TEMPLATE_DB


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")  # last connection closed: WAL checkpointed into the file
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database migrated to head, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "filrouge.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    template: str = request.getfixturevalue("_pg_template")
    name = f"t_{os.getpid()}_{next(_counter)}"
    cluster.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield cluster.url(name)
    cluster.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def pg_db_url(pg_cluster: PgCluster, _pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database migrated to head, for what needs several processes."""
    name = f"w_{os.getpid()}_{next(_counter)}"
    pg_cluster.admin(f"CREATE DATABASE {name} TEMPLATE {_pg_template}")
    yield pg_cluster.url(name)
    pg_cluster.admin(f"DROP DATABASE {name} WITH (FORCE)")
