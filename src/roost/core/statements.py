"""Running prebuilt SQLAlchemy Core statements, fast on SQLite and portable to PostgreSQL.

SQLAlchemy's async engine costs ~0.2 ms per statement and ~0.45 ms per empty transaction on
our reference machine; SQLite itself answers a keyed insert in microseconds. Hot paths
(creating Connect sessions, writing synced data) therefore talk to a
:class:`StatementRunner`:

- :class:`SqliteRunner` compiles each statement once with SQLAlchemy (so SQL text, bind
  processors for JSON and UTC timestamps, and result processors are SQLAlchemy's own) and
  then executes it directly on a dedicated ``sqlite3`` connection, inline;
- :class:`CoreRunner` runs the very same statements through SQLAlchemy's ``AsyncConnection``
  (PostgreSQL, where the driver is natively async and the server does the heavy lifting).

Service code is written once against the runner and the whole suite runs on both.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ClauseElement, Executable, Select
from sqlalchemy.sql.compiler import SQLCompiler

Row = Any  # a named tuple with one attribute per selected column
T = TypeVar("T")
# Decoded rows remembered per statement (see SqliteRunner.first_decoded); cleared when full.
_DECODED_KEPT = 4096


class StatementRunner(Protocol):
    async def execute(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> int:
        """Run a statement; the number of rows it changed."""
        ...

    async def execute_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run an insert or update once per parameter set."""
        ...

    async def first(
        self, statement: Select[Any], parameters: Mapping[str, Any] | None = None
    ) -> Row | None: ...

    async def first_decoded(
        self, statement: Select[Any], parameters: Mapping[str, Any] | None, decode: Callable[[Row], T]
    ) -> T | None:
        """``decode(first row)``, or None without a row. ``decode`` must be a pure function
        returning an immutable value: a runner may hand back the value it decoded from an
        identical row before instead of calling it again."""
        ...

    async def all(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> list[Row]: ...

    async def scalar(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> Any: ...

    async def tuples(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> list[Any]:
        """Rows as plain tuples: the cheap form for large pages."""
        ...


class CoreRunner:
    """Statements through SQLAlchemy's async Core connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def execute(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> int:
        result = await self.connection.execute(statement, dict(parameters or {}))
        return int(result.rowcount)

    async def execute_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            await self.connection.execute(statement, [dict(row) for row in rows])

    async def first(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> Row | None:
        return (await self.connection.execute(statement, dict(parameters or {}))).first()

    async def first_decoded(
        self, statement: Select[Any], parameters: Mapping[str, Any] | None, decode: Callable[[Row], T]
    ) -> T | None:
        row = await self.first(statement, parameters)
        return None if row is None else decode(row)

    async def all(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> list[Row]:
        return list((await self.connection.execute(statement, dict(parameters or {}))).all())

    async def scalar(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> Any:
        return await self.connection.scalar(statement, dict(parameters or {}))

    async def tuples(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> list[Any]:
        return [
            tuple(row) for row in (await self.connection.execute(statement, dict(parameters or {}))).all()
        ]


class _Prepared:
    """One statement compiled for SQLite, with its bind and result processing."""

    def __init__(self, statement: Executable, dialect: Dialect, keys: Iterable[str]) -> None:
        assert isinstance(statement, ClauseElement)
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        assert isinstance(compiled, SQLCompiler)
        self.compiled = compiled
        self.sql = compiled.string
        self.order: list[str] = list(compiled.positiontup or [])
        self.binds = cast(dict[str, Callable[[Any], Any]], dict(compiled._bind_processors))
        # Fast path for bulk writes: when every bound name is a key the caller passes (no
        # defaults or literals for SQLAlchemy to fill in), a row's values are one itemgetter
        # call plus the type processors, instead of construct_params per row.
        given = set(keys)
        self.direct = bool(self.order) and all(name in given for name in self.order)
        self.take = itemgetter(*self.order) if len(self.order) > 1 else None
        self.converters = [(i, self.binds[name]) for i, name in enumerate(self.order) if name in self.binds]
        # Values SQLAlchemy fills in itself: literals in the statement (``status == "connected"``)
        # become bind parameters with a fixed value. With those known, a call binds by name
        # without construct_params (which copies and checks everything, on every call).
        self.constants: dict[str, Any] = {
            name: bind.value
            for name, bind in compiled.binds.items()
            if not bind.required and bind.callable is None and not bind.expanding
        }
        self.simple = all(
            name in self.constants or compiled.binds[name].required for name in self.order
        ) and not any(compiled.binds[name].callable is not None for name in self.order)
        self.row_type: Any = None
        self.results: list[Callable[[Any], Any] | None] = []
        self.processes_results = False
        if compiled._result_columns:
            names = [column[0] for column in compiled._result_columns]
            self.row_type = namedtuple("Row", names, rename=True)  # type: ignore[misc]
            self.results = [
                column[3]._cached_result_processor(dialect, None) for column in compiled._result_columns
            ]
            self.processes_results = any(process is not None for process in self.results)
        self.decoded: dict[tuple[Any, ...], Any] = {}

    @property
    def expanding(self) -> bool:
        return "POSTCOMPILE" in self.sql

    def expand(self, parameters: Mapping[str, Any] | None) -> tuple[str, tuple[Any, ...]]:
        """SQL and values for a statement with an expanding IN list (rendered per call)."""
        state = self.compiled.construct_expanded_state(dict(parameters or {}))
        processors = state.processors
        values = tuple(
            processors[name](state.parameters[name])
            if name in processors and state.parameters[name] is not None
            else state.parameters[name]
            for name in state.positiontup or ()
        )
        return state.statement, values

    def bind_many(self, rows: Sequence[Mapping[str, Any]]) -> list[Sequence[Any]]:
        if not self.direct or self.take is None:
            return [self.bind(row) for row in rows]
        take = self.take
        if not self.converters:
            return [take(row) for row in rows]
        bound: list[Sequence[Any]] = []
        for row in rows:
            values = list(take(row))
            for index, convert in self.converters:
                if values[index] is not None:
                    values[index] = convert(values[index])
            bound.append(values)
        return bound

    def bind(self, parameters: Mapping[str, Any] | None) -> Sequence[Any]:
        if self.simple:
            given = parameters or {}
            constants = self.constants
            try:
                bound = [given[name] if name in given else constants[name] for name in self.order]
            except KeyError:
                pass  # a required value is missing: let SQLAlchemy say which
            else:
                for index, convert in self.converters:
                    if bound[index] is not None:
                        bound[index] = convert(bound[index])
                return bound
        values = self.compiled.construct_params(dict(parameters or {}), _check=False)
        binds = self.binds
        return tuple(
            binds[name](values[name]) if name in binds and values[name] is not None else values[name]
            for name in self.order
        )

    def row(self, raw: Sequence[Any]) -> Row:
        if not self.processes_results:
            return self.row_type._make(raw)
        return self.row_type._make(
            process(value) if process is not None else value
            for process, value in zip(self.results, raw, strict=True)
        )


class SqliteRunner:
    """Statements compiled once, executed inline on a dedicated sqlite3 connection."""

    def __init__(self, connection: sqlite3.Connection, dialect: Dialect, cache: dict[Any, _Prepared]) -> None:
        self.connection = connection
        self.dialect = dialect
        self.cache = cache

    def _prepare(self, statement: Executable, keys: Iterable[str]) -> _Prepared:
        key = (id(statement), frozenset(keys))
        prepared = self.cache.get(key)
        if prepared is None:
            prepared = self.cache[key] = _Prepared(statement, self.dialect, key[1])
            # Keep the statement alive so its id() is never reused for another statement.
            self.cache[("statement", id(statement))] = statement  # type: ignore[assignment]
        return prepared

    def _run(self, prepared: _Prepared, parameters: Mapping[str, Any] | None) -> sqlite3.Cursor:
        try:
            if prepared.expanding:
                return self.connection.execute(*prepared.expand(parameters))
            return self.connection.execute(prepared.sql, prepared.bind(parameters))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(prepared.sql, parameters, exc) from exc

    async def execute(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> int:
        prepared = self._prepare(statement, parameters or {})
        return self._run(prepared, parameters).rowcount

    async def execute_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        prepared = self._prepare(statement, rows[0])
        try:
            self.connection.executemany(prepared.sql, prepared.bind_many(rows))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(prepared.sql, rows[0], exc) from exc

    async def first(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> Row | None:
        prepared = self._prepare(statement, ())
        raw = self._run(prepared, parameters).fetchone()
        return None if raw is None else prepared.row(raw)

    async def first_decoded(
        self, statement: Select[Any], parameters: Mapping[str, Any] | None, decode: Callable[[Row], T]
    ) -> T | None:
        # The raw row (str, int, float, bytes, None) is its own cache key: an unchanged row
        # skips the result processors (JSON, timestamps) and ``decode``. The row is still
        # read on every call, so a changed or deleted row is seen at once.
        prepared = self._prepare(statement, ())
        raw = self._run(prepared, parameters).fetchone()
        if raw is None:
            return None
        key = (decode, raw)
        decoded = prepared.decoded.get(key)
        if decoded is None:
            decoded = decode(prepared.row(raw))
            if len(prepared.decoded) >= _DECODED_KEPT:
                prepared.decoded.clear()
            prepared.decoded[key] = decoded
        return cast(T, decoded)

    async def all(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> list[Row]:
        prepared = self._prepare(statement, ())
        return [prepared.row(raw) for raw in self._run(prepared, parameters).fetchall()]

    async def scalar(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> Any:
        row = await self.first(statement, parameters)
        return None if row is None else row[0]

    async def tuples(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None) -> list[Any]:
        prepared = self._prepare(statement, ())
        raw = self._run(prepared, parameters).fetchall()
        if not prepared.processes_results:
            return raw
        return [tuple(prepared.row(row)) for row in raw]
