"""Building benchmark data directly through Roost's own services and models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from roost.app import build_runtime
from roost.applications import service as applications
from roost.applications.schemas import ApplicationCreate
from roost.auth.models import AccessToken
from roost.connections.models import Connection, ConnectionEntity
from roost.core import identifiers, migrations
from roost.core.runtime import Runtime
from roost.providers.sandbox.adapter import SandboxReader
from roost.providers.sandbox.authentication import sandbox_account
from roost.providers.sandbox.generator import CompanySpec, SandboxCompany
from roost.settings import Settings
from roost.sync import engine

ALL_PRODUCTS = ["company", "directory", "individual", "employment", "payment", "pay_statement"]
ORG_PRODUCTS = ["company", "directory", "individual", "employment"]


def settings_for(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="bench-key",
        encryption_keys=None,  # type: ignore[arg-type]
        log_level="WARNING",
        embedded_worker=False,
        _env_file=None,
    )  # type: ignore[call-arg]


async def create_connection(runtime: Runtime, employees: int, products: list[str]) -> tuple[str, str]:
    """A sandbox connection of ``employees`` people and an access token for it."""
    created = await applications.create_application(runtime, ApplicationCreate(name="Bench", type="sandbox"))
    account = sandbox_account("bench", seed=7, employee_size=employees)
    now = runtime.clock.now()
    token = identifiers.new_secret(identifiers.ACCESS_TOKEN_PREFIX)
    async with runtime.database.writing() as session:
        from sqlalchemy import select

        from roost.applications.models import Application

        app_id = await session.scalar(
            select(Application.id).where(Application.client_id == created.client_id)
        )
        connection = Connection(
            id=identifiers.new_uuid(),
            application_id=app_id,
            customer_id="bench",
            customer_name="Bench Co",
            customer_email=None,
            provider_id="gusto",
            auth_method="credential",
            connection_type="finch",
            sandbox="finch",
            products=products,
            status="connected",
            status_message=None,
            created_at=now,
            updated_at=now,
        )
        session.add(connection)
        await session.flush()
        connection.credentials_ciphertext = runtime.keyring.encrypt(dict(account.credentials), connection.id)
        entity_ids = []
        for entity in account.entities:
            row = ConnectionEntity(
                id=identifiers.new_uuid(),
                connection_id=connection.id,
                source_id=entity.source_id,
                name=entity.name,
                status="connected",
            )
            session.add(row)
            entity_ids.append(row.id)
        session.add(
            AccessToken(
                id=identifiers.new_uuid(),
                token_digest=identifiers.digest(runtime.server_key, token),
                application_id=app_id,
                connection_id=connection.id,
                authorization_code_id=None,
                products=products,
                entity_ids=entity_ids,
                created_at=now,
            )
        )
    return connection.id, token


async def sync_once(
    runtime: Runtime, connection_id: str, employees: int, history_days: int, *, full: bool = False
) -> dict[str, Any]:
    """One sync of the bench company with ``history_days`` of payroll; its outcome.

    ``full`` is a forced ``data_sync_all`` (the whole payroll history read again); otherwise
    a re-sync is the scheduled kind."""
    plan = await engine.begin(runtime, connection_id, None, full=full)
    assert plan is not None
    today = runtime.clock.now().date()
    spec = CompanySpec(
        seed=7, employee_size=employees, history_start=today - dt.timedelta(days=history_days), today=today
    )
    company = SandboxCompany(spec)
    sync = engine.Sync(runtime, plan, lambda entity: SandboxReader(company, entity))
    outcome = await sync.run()
    await engine.complete(runtime, plan, outcome)
    return {
        "rows_written": outcome.rows_written,
        "by_kind": {kind: change.rows_written for kind, change in outcome.changes.items()},
    }


def prepare(database_url: str) -> Settings:
    settings = settings_for(database_url)
    migrations.upgrade(settings)
    return settings


__all__ = ["build_runtime", "create_connection", "prepare", "sync_once"]
