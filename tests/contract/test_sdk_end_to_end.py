"""Issue 5's "done means": an application written only against the official ``finch-api`` SDK
runs unchanged against a running Roost.

The application (``finch_application``, no Roost imports) creates a 1,000-employee sandbox
company, waits for the initial sync, reads everything, forces a sync, edits the company through
``/sandbox/*``, forces another sync and receives the matching signed webhooks on its own HTTP
endpoint. The fixtures here only stand up the deployment: a live server on its own database that
allows a few forced syncs per hour, a sandbox application, and the webhook endpoint registered
through the admin API.
"""

from __future__ import annotations

import ast
import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import finch
import httpx
import pytest
from finch import Finch
from finch.types import WebhookEvent
from finch.types.hris import Payment, PayStatement

from roost.app import build_runtime
from roost.core import migrations
from roost.settings import Settings
from tests.conftest import (
    ADMIN_TOKEN,
    PG_SCHEMA,
    Credentials,
    _postgres_schema_url,
    _serve,
    make_application,
)
from tests.contract import finch_application
from tests.contract.finch_application import (
    PAY_STATEMENT_BATCH,
    Company,
    WebhookReceiver,
    event_key,
    initial_sync_job,
    pay_statements,
    read_company,
    wait_for_job,
)

pytestmark = pytest.mark.contract

EMPLOYEES = 1_000
PRODUCTS = [
    "company",
    "directory",
    "individual",
    "ssn",
    "employment",
    "payment",
    "pay_statement",
    "benefits",
    "documents",
]
# Finch allows one forced sync per hour; this deployment allows two, and the test checks the third
# is refused with 429.
FORCED_SYNCS_PER_HOUR = 2
SYNC_TIMEOUT = 180.0
WEBHOOK_TIMEOUT = 60.0
JOB_EVENTS = ("job.initial_data_sync_org.succeeded", "job.initial_data_sync_payroll.succeeded")
DATA_RECORDS = ("directory", "individual", "employment", "payment", "pay_statement", "company")


@pytest.fixture(scope="module")
def e2e_settings(
    settings: Settings, database_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """The deployment's configuration: its own database, and room for two forced syncs an hour."""
    if database_kind == "postgres":
        url = _postgres_schema_url(f"{PG_SCHEMA}_e2e" if PG_SCHEMA else "e2e")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('e2e') / 'roost-e2e.db'}"
    own = settings.model_copy(update={"database_url": url, "forced_syncs_per_hour": FORCED_SYNCS_PER_HOUR})
    migrations.upgrade(own)
    return own


@pytest.fixture(scope="module")
def e2e_server(e2e_settings: Settings) -> Iterator[str]:
    """``roost serve`` in embedded mode (a worker in the server's loop), on loopback."""
    server, thread, url = _serve(e2e_settings)
    yield url
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def e2e_credentials(e2e_server: str, e2e_settings: Settings) -> Credentials:
    """A sandbox application, as an operator would create it with ``roost apps create``."""

    async def _create() -> Credentials:
        runtime = build_runtime(e2e_settings)
        try:
            return await make_application(runtime, type="sandbox")
        finally:
            await runtime.database.dispose()

    return asyncio.run(_create())


def register_webhook(server: str, client_id: str, url: str) -> str:
    """The operator registers the application's endpoint; the secret is shown once."""
    response = httpx.post(
        f"{server}/admin/applications/{client_id}/webhooks",
        json={"url": url},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["secret"])


def test_the_application_imports_only_the_sdk_and_the_standard_library() -> None:
    tree = ast.parse(Path(finch_application.__file__).read_text())
    roots = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}  # fmt: skip
    roots |= {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    }
    assert "finch" in roots
    assert roots - {"finch", "__future__"} <= {
        "collections",
        "dataclasses",
        "datetime",
        "http",
        "threading",
        "time",
        "typing",
    }


def assert_pay_statement_arithmetic(statement: PayStatement) -> None:
    """Gross is the sum of earnings; net is gross less employee taxes and employee deductions."""
    assert statement.gross_pay is not None and statement.net_pay is not None
    earnings = sum(e.amount or 0 for e in statement.earnings or [] if e is not None)
    employee_taxes = sum(t.amount or 0 for t in statement.taxes or [] if t is not None and not t.employer)
    deductions = sum(d.amount or 0 for d in statement.employee_deductions or [])
    assert statement.gross_pay.amount == earnings
    assert statement.net_pay.amount == earnings - employee_taxes - deductions


def assert_payroll_adds_up(payments: list[Payment], statements: dict[str, list[PayStatement]]) -> int:
    checked = 0
    for payment in payments:
        paid = statements[payment.id]
        assert sorted(s.individual_id for s in paid) == sorted(payment.individual_ids or [])
        assert payment.gross_pay is not None and payment.net_pay is not None
        assert payment.gross_pay.amount == sum(s.gross_pay.amount or 0 for s in paid if s.gross_pay)
        assert payment.net_pay.amount == sum(s.net_pay.amount or 0 for s in paid if s.net_pay)
        for statement in paid:
            assert_pay_statement_arithmetic(statement)
            checked += 1
    return checked


def assert_company_is_whole(company: Company, connection_id: str) -> None:
    people = {person.id for person in company.directory}
    assert len(company.directory) == EMPLOYEES and len(people) == EMPLOYEES  # auto-paged, no repeats
    # SSN only with the ssn product *and* options.include = ["ssn"].
    assert set(company.individuals) == people and set(company.individuals_with_ssn) == people
    assert all(person.ssn is None for person in company.individuals.values())
    assert all(
        re.fullmatch(r"\d{3}-\d{2}-\d{4}", person.ssn or "")
        for person in company.individuals_with_ssn.values()
    )
    assert set(company.employments) == people
    managers = {e.manager.id for e in company.employments.values() if e.manager is not None}
    assert managers and managers <= people

    payroll = company.payroll
    assert payroll.payments and all(p.individual_ids for p in payroll.payments)
    assert payroll.requests >= -(-len(payroll.payments) // PAY_STATEMENT_BATCH)
    assert assert_payroll_adds_up(payroll.payments, payroll.statements) >= EMPLOYEES // 2

    assert company.pay_groups and all(set(g.individual_ids) <= people for g in company.pay_groups)
    assert company.benefits and company.supported_benefits
    for benefit in company.benefits:
        enrolled = company.enrolled[benefit.benefit_id]
        assert set(enrolled) <= people
        items = company.enrollments[benefit.benefit_id]
        assert sorted(item.individual_id for item in items) == sorted(enrolled)
        assert all(item.code == 200 for item in items)
    assert company.document_count > 0 and company.documents
    assert all(
        d.data is not None and d.data.individual_id in people and d.type in ("w4_2020", "w4_2005")
        for d in company.documents
    )

    introspection = company.introspection
    assert introspection.connection_id == connection_id and introspection.client_type == "sandbox"
    assert sorted(introspection.products) == sorted(PRODUCTS)
    assert introspection.connection_status.status == "connected"
    assert introspection.connection_status.last_successful_sync is not None


def data_events(events: list[WebhookEvent]) -> set[tuple[str, str]]:
    return {
        (event.event_type or "", event_key(event))
        for event in events
        if (event.event_type or "").split(".")[0] in DATA_RECORDS
    }


def test_an_sdk_application_reads_a_company_syncs_edits_and_receives_verified_webhooks(
    e2e_server: str, e2e_credentials: Credentials
) -> None:
    with ExitStack() as closing:
        app = closing.enter_context(
            Finch(
                client_id=e2e_credentials.client_id,
                client_secret=e2e_credentials.client_secret,
                base_url=e2e_server,
                max_retries=0,
            )
        )
        receiver = closing.enter_context(WebhookReceiver(app))
        receiver.secret = register_webhook(e2e_server, e2e_credentials.client_id, receiver.url)

        created = app.sandbox.connections.create(
            provider_id="adp_run",
            employee_size=EMPLOYEES,
            products=PRODUCTS,
        )
        connection_id = created.connection_id
        client = closing.enter_context(
            Finch(access_token=created.access_token, base_url=e2e_server, max_retries=0)
        )
        initial = initial_sync_job(client)
        assert wait_for_job(client, initial.job_id, SYNC_TIMEOUT).status == "complete"

        today = dt.datetime.now(dt.UTC).date()
        company = read_company(client, today)
        assert_company_is_whole(company, connection_id)

        # A forced sync of an unchanged company: complete, and no data webhooks.
        first = client.jobs.automated.create(type="data_sync_all")
        assert first.allowed_refreshes == FORCED_SYNCS_PER_HOUR and first.remaining_refreshes == 1
        assert first.job_id and wait_for_job(client, first.job_id, SYNC_TIMEOUT).status == "complete"

        renamed, promoted = company.directory[0].id, company.directory[1].id
        assert client.sandbox.individual.update(renamed, first_name="Augusta").first_name == "Augusta"
        assert client.sandbox.employment.update(promoted, title="Chief Sandbox Officer").title == (
            "Chief Sandbox Officer"
        )
        [hire] = client.sandbox.directory.create(body=[{"first_name": "Grace", "last_name": "Hopper"}])
        hired = str(_field(hire, "id"))
        bonus = client.sandbox.payment.create(
            pay_statements=[
                {
                    "individual_id": renamed,
                    "type": "off_cycle_payroll",
                    "payment_method": "direct_deposit",
                    "earnings": [{"type": "bonus", "name": "Bonus", "amount": 200_000, "hours": 0}],
                    "taxes": [
                        {
                            "type": "federal",
                            "name": "Federal Income Tax",
                            "employer": False,
                            "amount": 44_000,
                        },
                        {"type": "fica", "name": "Medicare", "employer": False, "amount": 2_900},
                        {"type": "fica", "name": "Medicare", "employer": True, "amount": 2_900},
                    ],
                    "employee_deductions": [
                        {"name": "401(k)", "amount": 10_000, "pre_tax": True, "type": "401k"}
                    ],
                    "gross_pay": 200_000,
                    "net_pay": 143_100,
                }
            ]
        )

        second = client.jobs.automated.create(type="data_sync_all")
        assert second.remaining_refreshes == 0
        assert second.job_id and wait_for_job(client, second.job_id, SYNC_TIMEOUT).status == "complete"
        # The quota is spent: Finch's 429 with retry_at, which the SDK raises as RateLimitError.
        with pytest.raises(finch.RateLimitError) as refused:
            client.jobs.automated.create(type="data_sync_all")
        assert isinstance(refused.value.body, dict) and refused.value.body.get("retry_at")
        quotas = client.jobs.automated.list().meta
        assert quotas is not None and quotas.quotas is not None and quotas.quotas.data_sync_all is not None
        assert quotas.quotas.data_sync_all.remaining_refreshes == 0

        changed = {
            ("individual.updated", renamed),
            ("directory.updated", renamed),
            ("employment.updated", renamed),  # Finch's employment carries the name too
            ("employment.updated", promoted),
            ("directory.created", hired),
            ("individual.created", hired),
            ("employment.created", hired),
            ("payment.created", f"{bonus.payment_id}:{bonus.pay_date}"),
            ("pay_statement.created", f"{bonus.payment_id}:{renamed}"),
        }
        jobs: set[tuple[str, str]] = {
            ("account.updated", "connected"),
            *((event, initial.job_id) for event in JOB_EVENTS),
            *(("job.data_sync_all.completed", job) for job in (initial.job_id, first.job_id, second.job_id)),
        }
        events = receiver.wait_for(changed | jobs, WEBHOOK_TIMEOUT)

        assert receiver.received.rejected == []
        assert all(event.connection_id == connection_id for event in events)
        # Exactly what changed: the initial sync and the no-change sync announced no records.
        assert data_events(events) == changed
        assert {(e.event_type or "", event_key(e)) for e in events} == changed | jobs

        # The application sees the edits, and the payroll still adds up.
        [individual] = client.hris.individuals.retrieve_many(requests=[{"individual_id": renamed}])
        assert getattr(individual.body, "first_name", None) == "Augusta"
        [employment] = client.hris.employments.retrieve_many(requests=[{"individual_id": promoted}])
        assert getattr(employment.body, "title", None) == "Chief Sandbox Officer"
        directory = {person.id for person in client.hris.directory.list(limit=100)}
        assert len(directory) == EMPLOYEES + 1 and hired in directory
        payments = list(client.hris.payments.list(start_date=today - dt.timedelta(days=365), end_date=today))
        assert bonus.payment_id in {p.id for p in payments}
        payroll = pay_statements(client, payments)
        assert (
            assert_payroll_adds_up(payments, payroll.statements)
            == sum(len(s) for s in company.payroll.statements.values()) + 1
        )


def _field(item: object, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name)
