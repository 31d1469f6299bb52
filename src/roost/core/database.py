"""The store: one async engine for SQLite (WAL) or PostgreSQL (psycopg 3).

SQLite needs two things to behave under concurrent writers:
- every connection gets WAL, a busy timeout and foreign keys;
- a transaction that will write starts with ``BEGIN IMMEDIATE``. A deferred transaction that
  reads first and writes later cannot wait for the write lock (SQLite answers SQLITE_BUSY at
  once instead of honouring the busy timeout), so writers take the lock up front. Readers
  keep plain deferred transactions and never block under WAL;
- writers in one process queue on an asyncio lock instead of on SQLite's busy handler,
  which polls with sleeps of up to 100 ms and would turn contention into idle time. The
  busy timeout still arbitrates between processes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import DateTime, String, event, make_url
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from roost.core import sqlite_inline
from roost.core.statements import CoreRunner, SqliteRunner, StatementRunner
from roost.settings import Settings


class comma_joined(FunctionElement[str]):
    """``group_concat(x, ',')`` on SQLite, ``string_agg(x, ',')`` on PostgreSQL.

    SQLAlchemy's ``aggregate_strings`` renders its separator as a literal expanded per call,
    which takes a statement off the prebuilt fast path (roost.core.statements).
    """

    type = String()
    name = "comma_joined"
    inherit_cache = True


@compiles(comma_joined, "sqlite")
def _group_concat(element: comma_joined, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(comma_joined, "postgresql")
def _string_agg(element: comma_joined, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is timezone-aware UTC going in and coming out, on both databases."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        # SQLite has no timezone type; store naive UTC text that sorts correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base for every table."""


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.database_url
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url,
            async_creator=sqlite_inline.connector(
                make_url(url).database or ":memory:", settings.sqlite_busy_timeout_ms / 1000
            ),
            pool_size=8,
            max_overflow=8,
        )
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def sqlite_pragmas(busy_timeout_ms: int) -> list[str]:
    return [
        "PRAGMA journal_mode=WAL",
        f"PRAGMA busy_timeout={int(busy_timeout_ms)}",
        "PRAGMA foreign_keys=ON",
        # WAL + NORMAL: a commit survives a process crash; only a power cut can lose the
        # last transactions, never corrupt the database.
        "PRAGMA synchronous=NORMAL",
    ]


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in sqlite_pragmas(busy_timeout_ms):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


# The hot-read connection maps the database file instead of copying pages through read()
# calls, and keeps a larger page cache: a directory page touches ~100 table rows.
READER_PRAGMAS = ("PRAGMA mmap_size=268435456", "PRAGMA cache_size=-16384")


class _CommitGroup:
    """Short write transactions of concurrent requests that share one SQLite COMMIT.

    On SQLite a COMMIT (appending the transaction's pages to the WAL) costs more than the
    few statements that create a Connect session. Requests that are ready at the same time
    run one after the other inside one transaction, each in its own SAVEPOINT (so one
    failing member rolls back alone), and all answer only after the shared COMMIT: nobody
    is told "created" before it is durable.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.done: asyncio.Future[None] = loop.create_future()
        self.open = True
        self.members = 0
        self.active = 0
        self.idle = asyncio.Event()


class Database:
    """The engine plus the two kinds of unit of work services use."""

    def __init__(self, settings: Settings) -> None:
        self.engine = create_engine(settings)
        self.is_sqlite = settings.is_sqlite
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else self.engine
        self._writer_engine = writer
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(writer, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._sqlite_path = make_url(settings.database_url).database or ":memory:"
        self._busy_timeout_ms = settings.sqlite_busy_timeout_ms
        self._sqlite_connection: sqlite3.Connection | None = None
        self._sqlite_reader: sqlite3.Connection | None = None
        self._read_lock = asyncio.Lock() if self.is_sqlite else None
        self._prepared: dict[Any, Any] = {}
        self._group: _CommitGroup | None = None
        self._group_tasks: set[asyncio.Task[None]] = set()

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A transaction that will write: committed on success, rolled back on error."""
        if self._write_lock is None:
            async with self._write() as session, session.begin():
                yield session
            return
        async with self._write_lock, self._write() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work."""
        async with self._read() as session:
            yield session

    @asynccontextmanager
    async def writing_core(self) -> AsyncIterator[AsyncConnection]:
        """Like :meth:`writing`, but a Core connection: for hot paths that skip the ORM."""
        engine = self._writer_engine
        if self._write_lock is None:
            async with engine.begin() as connection:
                yield connection
            return
        async with self._write_lock, engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def reading_core(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as connection:
            yield connection

    @asynccontextmanager
    async def statements(self) -> AsyncIterator[StatementRunner]:
        """A write transaction for prebuilt Core statements (see :mod:`roost.core.statements`)."""
        if self._write_lock is None:
            async with self.writing_core() as connection:
                yield CoreRunner(connection)
            return
        async with self._write_lock:
            raw = self._fast_connection()
            raw.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteRunner(raw, self.engine.dialect, self._prepared)
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")

    @asynccontextmanager
    async def grouped_statements(self) -> AsyncIterator[StatementRunner]:
        """Like :meth:`statements`, but the transaction may share its COMMIT with concurrent
        ones (see :class:`_CommitGroup`); it returns once that COMMIT is done.

        For short, hot write transactions only: the body must not call :meth:`statements`
        or :meth:`writing` itself (the group holds the write lock), and while it awaits
        anything but the runner, the group waits for it.
        """
        if self._write_lock is None:
            async with self.statements() as runner:
                yield runner
            return
        group = self._group
        if group is None or not group.open:
            group = await self._open_group()
        raw = self._fast_connection()
        group.members += 1
        group.active += 1
        savepoint = f"member_{group.members}"
        raw.execute(f"SAVEPOINT {savepoint}")
        try:
            yield SqliteRunner(raw, self.engine.dialect, self._prepared)
        except BaseException:
            raw.execute(f"ROLLBACK TO {savepoint}")
            raw.execute(f"RELEASE {savepoint}")
            raise
        else:
            raw.execute(f"RELEASE {savepoint}")
        finally:
            group.active -= 1
            if not group.active:
                group.idle.set()
        # Shielded: a member cancelled while waiting (its client went away) must not stop
        # the COMMIT the other members wait for; the commit runs in its own task anyway.
        await asyncio.shield(group.done)

    async def _open_group(self) -> _CommitGroup:
        assert self._write_lock is not None
        await self._write_lock.acquire()
        group = self._group
        if group is not None and group.open:  # another request opened one while we waited
            self._write_lock.release()
            return group
        try:
            self._fast_connection().execute("BEGIN IMMEDIATE")
        except BaseException:
            self._write_lock.release()
            raise
        loop = asyncio.get_running_loop()
        group = self._group = _CommitGroup(loop)
        task = loop.create_task(self._commit_group(group))
        self._group_tasks.add(task)  # a reference, so the task is not collected mid-flight
        task.add_done_callback(self._group_tasks.discard)
        return group

    async def _commit_group(self, group: _CommitGroup) -> None:
        assert self._write_lock is not None
        raw = self._fast_connection()
        try:
            # One turn of the event loop: requests that are ready join this transaction.
            await asyncio.sleep(0)
            while group.active:
                group.idle.clear()
                await group.idle.wait()
            group.open = False
            self._group = None
            raw.execute("COMMIT")
        except BaseException as exc:
            group.open = False
            if self._group is group:
                self._group = None
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            group.done.set_exception(exc if isinstance(exc, Exception) else RuntimeError("commit cancelled"))
            group.done.exception()  # retrieved: members that were cancelled never await it
            if not isinstance(exc, Exception):
                raise
        else:
            group.done.set_result(None)
        finally:
            self._write_lock.release()

    @asynccontextmanager
    async def reading_statements(self) -> AsyncIterator[StatementRunner]:
        """A consistent read snapshot for prebuilt statements (hot read paths)."""
        if self._read_lock is None:
            async with self.reading_core() as connection:
                yield CoreRunner(connection)
            return
        async with self._read_lock:
            if self._sqlite_reader is None:
                self._sqlite_reader = self._open_sqlite()
                for pragma in READER_PRAGMAS:
                    self._sqlite_reader.execute(pragma)
            raw = self._sqlite_reader
            # Under WAL a deferred read transaction never blocks and sees one snapshot.
            raw.execute("BEGIN")
            try:
                yield SqliteRunner(raw, self.engine.dialect, self._prepared)
            finally:
                raw.execute("COMMIT")

    def _open_sqlite(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self._sqlite_path,
            timeout=self._busy_timeout_ms / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        for pragma in sqlite_pragmas(self._busy_timeout_ms):
            connection.execute(pragma)
        return connection

    def _fast_connection(self) -> sqlite3.Connection:
        if self._sqlite_connection is None:
            self._sqlite_connection = self._open_sqlite()
        return self._sqlite_connection

    async def dispose(self) -> None:
        for connection in (self._sqlite_connection, self._sqlite_reader):
            if connection is not None:
                connection.close()
        self._sqlite_connection = self._sqlite_reader = None
        await self.engine.dispose()
