"""Database: engine, schema upgrade (Alembic), the unit of work, named locks and lost races."""
from __future__ import annotations

import os
import threading
import zlib
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_URL = "sqlite:///var/tva_flow.sqlite3"


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get("TVA_FLOW_DATABASE_URL") or DEFAULT_URL


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" below open transactions
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A unit of work takes the single write lock at its start (no lock upgrade deadlocks);
            # reads begin deferred and, with WAL, never wait for a writer.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("tva_write") else "BEGIN")
    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to the newest migration (keeps every row)."""
    command.upgrade(alembic_config(engine), revision)


def schema_revision(engine: Engine) -> str | None:
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


# PostgreSQL SQLSTATEs of a transaction that lost a race and may simply be run again
_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


def lost_race(exc: BaseException) -> bool:
    """Whether a database error means "another transaction got there first; try again".

    A constraint violation is not one: inserts that may race (deployments, the clock's row) take a
    named lock first, so a violation is a real fault and must show."""
    if isinstance(exc, OperationalError) and "database is locked" in str(exc):
        return True  # SQLite's busy timeout ran out
    if isinstance(exc, DBAPIError):
        return getattr(getattr(exc, "orig", None), "sqlstate", None) in _RETRYABLE_SQLSTATES
    return False


_local_locks: dict[str, threading.Lock] = {}
_local_locks_guard = threading.Lock()


class Database:
    def __init__(self, url: str | None = None, migrate: bool = True):
        self.url = database_url(url)
        self.engine = make_engine(self.url)
        if migrate:
            with self.lock("migrate"):  # N workers starting at once: one migrates, the others wait
                upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def lock(self, name: str):
        """Hold a lock named ``name`` across every process on this database until the block ends.

        Within a process the lock is a thread lock first. Across processes — PostgreSQL: a session-level
        advisory lock on a connection of its own; SQLite: an exclusive ``flock`` on a file beside the
        database (every process using a SQLite file is on this machine).
        """
        if self.engine.dialect.name == "postgresql":
            key = zlib.crc32(f"tva_flow:{name}".encode())
            # one waiter per process holds a connection; the others wait here, not in the pool
            with _local_lock(f"{self.url}:{name}"), self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    conn.commit()
            return
        path = self.engine.url.database
        with _local_lock(f"{path}:{name}"):
            if not path or path == ":memory:":
                yield
                return
            import fcntl
            with open(f"{path}.{name}.lock", "a+") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self):
        """One transaction: commit on success, roll back everything on any error."""
        session: Session = self._sessions()
        try:
            session.connection(execution_options={"tva_write": True})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self):
        session: Session = self._sessions()
        try:
            yield session
        finally:
            session.close()


@contextmanager
def _local_lock(key: str):
    with _local_locks_guard:
        lock = _local_locks.setdefault(key, threading.Lock())
    with lock:
        yield
