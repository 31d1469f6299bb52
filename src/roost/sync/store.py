"""Writing versioned records for one sync, page by page (see :mod:`roost.sync.models`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, select

from roost.core import identifiers
from roost.core.runtime import Runtime
from roost.core.statements import StatementRunner
from roost.providers.records.wire import encode
from roost.sync.models import DataRecord, IdMapping

_records = cast(Table, DataRecord.__table__)
_ids = cast(Table, IdMapping.__table__)

_LOAD_IDS = select(_ids.c.source_id, _ids.c.roost_id).where(
    _ids.c.connection_id == bindparam("connection_id"), _ids.c.kind == bindparam("kind")
)
_INSERT_ID = _ids.insert()
_CURRENT = select(_records.c.pk, _records.c.roost_id, _records.c.body_hash, _records.c.entity_id).where(
    _records.c.connection_id == bindparam("connection_id"),
    _records.c.kind == bindparam("kind"),
    _records.c.valid_to.is_(None),
)
_CURRENT_OF_PARENT = _CURRENT.where(_records.c.parent_id == bindparam("parent_id"))
_INSERT_RECORD = _records.insert()
_CLOSE_RECORD = (
    _records.update().where(_records.c.pk == bindparam("target_pk")).values(valid_to=bindparam("closed_at"))
)


class IdRegistry:
    """Stable Roost ids for provider source ids; new ones are minted and saved per page."""

    def __init__(self, connection_id: str) -> None:
        self.connection_id = connection_id
        self._known: dict[str, dict[str, str]] = {}
        self._new: list[dict[str, str]] = []

    async def load(self, runner: StatementRunner, space: str) -> None:
        if space not in self._known:
            rows = await runner.all(_LOAD_IDS, {"connection_id": self.connection_id, "kind": space})
            self._known[space] = {row.source_id: row.roost_id for row in rows}

    def roost_id(self, space: str, source_id: str) -> str:
        known = self._known.setdefault(space, {})
        roost_id = known.get(source_id)
        if roost_id is None:
            roost_id = known[source_id] = identifiers.new_uuid()
            self._new.append(
                {
                    "connection_id": self.connection_id,
                    "kind": space,
                    "source_id": source_id,
                    "roost_id": roost_id,
                }
            )
        return roost_id

    async def save(self, runner: StatementRunner) -> None:
        if self._new:
            await runner.execute_many(_INSERT_ID, self._new)
            self._new = []


@dataclass
class Row:
    roost_id: str
    body: dict[str, Any] | bytes  # bytes: already the stored text (listing pages)
    sort_key: str
    entity_id: str | None = None
    parent_id: str | None = None
    on_date: dt.date | None = None


@dataclass
class KindChanges:
    """What one sync changed in one kind. The ids drive webhooks; an initial sync announces
    itself with one event instead, so it keeps counts only (``keep_ids=False``) and a large
    first sync does not hold every new id in memory."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    keep_ids: bool = True
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "deleted": 0})

    def add(self, action: str, roost_ids: Iterable[str]) -> None:
        ids = list(roost_ids)
        self.counts[action] += len(ids)
        if self.keep_ids:
            getattr(self, action).extend(ids)

    @property
    def rows_written(self) -> int:
        return sum(self.counts.values())


class VersionedWriter:
    """Writes one kind of record for sync ``number``: unchanged rows are left alone."""

    def __init__(
        self,
        connection_id: str,
        kind: str,
        number: int,
        changes: KindChanges,
        synced_entities: frozenset[str] | None = None,
    ) -> None:
        self.connection_id = connection_id
        self.kind = kind
        self.number = number
        self.changes = changes
        # The entities this sync reads (None: every record). Records of other entities (ones
        # disconnected with POST /disconnect-entity) are left as they are: not read, so not
        # deleted, and no *.deleted events for data the employer did not delete.
        self.synced_entities = synced_entities
        self._current: dict[str, tuple[int, str]] = {}
        self._seen: set[str] = set()
        # Records whose content did not change in this sync (the engine skips re-reading
        # the children of unchanged payments).
        self.unchanged: set[str] = set()

    async def load_current(self, runner: StatementRunner, parent_id: str | None = None) -> None:
        parameters = {"connection_id": self.connection_id, "kind": self.kind}
        if parent_id is None:
            rows = await runner.all(_CURRENT, parameters)
        else:
            rows = await runner.all(_CURRENT_OF_PARENT, {**parameters, "parent_id": parent_id})
        synced = self.synced_entities
        self._current.update(
            {
                row.roost_id: (row.pk, row.body_hash)
                for row in rows
                if synced is None or row.entity_id is None or row.entity_id in synced
            }
        )

    async def write(self, runner: StatementRunner, rows: Iterable[Row]) -> None:
        inserts: list[dict[str, Any]] = []
        closes: list[dict[str, Any]] = []
        created: list[str] = []
        updated: list[str] = []
        for row in rows:
            encoded = row.body if isinstance(row.body, bytes) else encode(row.body)
            digest = hashlib.md5(encoded, usedforsecurity=False).hexdigest()
            self._seen.add(row.roost_id)
            current = self._current.get(row.roost_id)
            if current is not None and current[1] == digest:
                self.unchanged.add(row.roost_id)
                continue
            if current is None:
                created.append(row.roost_id)
            else:
                closes.append({"target_pk": current[0], "closed_at": self.number})
                updated.append(row.roost_id)
            inserts.append(
                {
                    "connection_id": self.connection_id,
                    "kind": self.kind,
                    "roost_id": row.roost_id,
                    "parent_id": row.parent_id,
                    "entity_id": row.entity_id,
                    "sort_key": row.sort_key,
                    "on_date": row.on_date,
                    "body": encoded.decode(),
                    "body_hash": digest,
                    "valid_from": self.number,
                    "valid_to": None,
                }
            )
        await runner.execute_many(_CLOSE_RECORD, closes)
        await runner.execute_many(_INSERT_RECORD, inserts)
        self.changes.add("created", created)
        self.changes.add("updated", updated)

    def keep(self, roost_ids: Iterable[str]) -> None:
        """Treat these current records as seen: this sync did not read them on purpose."""
        self._seen.update(roost_ids)

    def keep_prefix(self, prefix: str) -> None:
        """Treat current rows whose id starts with ``prefix`` as seen (their source failed)."""
        self._seen.update(roost_id for roost_id in self._current if roost_id.startswith(prefix))

    def missing(self) -> list[str]:
        """Current records this sync has not seen (so far)."""
        return [roost_id for roost_id in self._current if roost_id not in self._seen]

    async def close_missing(self, runner: StatementRunner) -> None:
        missing = [
            (pk, roost_id) for roost_id, (pk, _hash) in self._current.items() if roost_id not in self._seen
        ]
        self.changes.add("deleted", (roost_id for _pk, roost_id in missing))
        await runner.execute_many(
            _CLOSE_RECORD, [{"target_pk": pk, "closed_at": self.number} for pk, _ in missing]
        )

    async def settle(self, runner: StatementRunner) -> None:
        """Close what is missing now and forget what was tracked: children are synced one
        parent at a time, so nothing of a finished parent needs to stay in memory."""
        await self.close_missing(runner)
        self._current.clear()
        self._seen.clear()
        self.unchanged.clear()


async def discard_unfinished(runtime: Runtime, connection_id: str, live: int) -> None:
    """Undo what a crashed or failed sync wrote past the live number."""
    async with runtime.database.statements() as runner:
        await runner.execute(
            _records.delete().where(
                and_(_records.c.connection_id == bindparam("cid"), _records.c.valid_from > bindparam("live"))
            ),
            {"cid": connection_id, "live": live},
        )
        await runner.execute(
            _records.update()
            .where(
                and_(_records.c.connection_id == bindparam("cid"), _records.c.valid_to > bindparam("live"))
            )
            .values(valid_to=None),
            {"cid": connection_id, "live": live},
        )
