"""Benefit writes as manual jobs (reference §8 "Benefits", §9 manual jobs, §10 job webhooks).

Writes are answered at once with ids; the job writes to the provider (here the Finch-mode
sandbox), queues a sync, and completes with its webhook once readers see the change.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from finch.types import JobCompletionEvent
from sqlalchemy import func, select

from roost.app import build_runtime, create_app
from roost.connections.service import SYNC_JOB, sync_dedupe_key
from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from roost.emulators import BackgroundEmulators, build_emulators, start_in_threads
from roost.hris.benefit_writes.service import BENEFIT_WRITE_JOB
from roost.hris.benefit_writes.tasks import WAIT_SECONDS, run_benefit_write
from roost.jobs import queue
from roost.jobs.models import ACTIVE_STATUSES, Job
from roost.jobs.worker import Worker
from roost.settings import Settings
from roost.webhooks.models import Event
from tests.conftest import Credentials, jobs_scope, make_application
from tests.connect_driver import ConnectDriver, query_of
from tests.integration.test_sandbox_api import create as create_sandbox_connection
from tests.syncing import REDIRECT, Connected, connect_sandbox, run_jobs

NEW_PLAN = {"description": "Commuter Transit", "type": "commuter", "frequency": "every_paycheck"}


@pytest.fixture
async def connected(client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime) -> Connected:
    connection = await connect_sandbox(client, app_credentials, customer_id="benefits-co")
    await run_jobs(runtime)
    return connection


async def settle(runtime: Runtime, clock: FakeClock) -> None:
    """Run this test's jobs until none is left, letting the fake clock pass for their waits."""
    for _ in range(20):
        await run_jobs(runtime)
        async with runtime.database.reading() as session:
            active = await session.scalar(
                select(func.count())
                .select_from(Job)
                .where(Job.status.in_(ACTIVE_STATUSES), Job.application_id.in_(jobs_scope(runtime) or ()))
            )
        if not active:
            return
        clock.advance(seconds=WAIT_SECONDS * 2)
    raise AssertionError("jobs did not settle")


async def manual_job(client: httpx.AsyncClient, who: Connected, job_id: str) -> dict[str, Any]:
    response = await client.get(f"/jobs/manual/{job_id}", headers=who.bearer)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def benefits(client: httpx.AsyncClient, who: Connected) -> list[dict[str, Any]]:
    return list((await client.get("/employer/benefits", headers=who.bearer)).json())


async def events(runtime: Runtime, connection_id: str, event_type: str) -> list[dict[str, Any]]:
    async with runtime.database.reading() as session:
        rows = await session.scalars(
            select(Event).where(Event.connection_id == connection_id, Event.type == event_type)
        )
        return [dict(event.payload) for event in rows]


async def people(client: httpx.AsyncClient, who: Connected) -> list[str]:
    directory = (await client.get("/employer/directory", headers=who.bearer)).json()
    return [person["id"] for person in directory["individuals"]]


async def enrollments(client: httpx.AsyncClient, who: Connected, benefit_id: str) -> dict[str, Any]:
    items = (await client.get(f"/employer/benefits/{benefit_id}/individuals", headers=who.bearer)).json()
    return {item["individual_id"]: item["body"] for item in items}


async def test_a_created_benefit_is_read_once_its_job_completes(
    client: httpx.AsyncClient, runtime: Runtime, clock: FakeClock, connected: Connected
) -> None:
    plan = {**NEW_PLAN, "company_contribution": None}
    created = await client.post("/employer/benefits", json=plan, headers=connected.bearer)
    assert created.status_code == 200, created.text
    accepted = created.json()
    assert set(accepted) == {"benefit_id", "job_id"}
    job = await manual_job(client, connected, accepted["job_id"])
    assert job == {"job_id": accepted["job_id"], "status": "pending", "body": None}
    assert accepted["benefit_id"] not in [b["benefit_id"] for b in await benefits(client, connected)]

    await settle(runtime, clock)
    job = await manual_job(client, connected, accepted["job_id"])
    assert job["status"] == "complete"
    assert job["body"] == [{"benefit_id": accepted["benefit_id"], "code": 200, "message": "Benefit created"}]
    read = await client.get(f"/employer/benefits/{accepted['benefit_id']}", headers=connected.bearer)
    assert read.json() == {"benefit_id": accepted["benefit_id"], **plan}
    [event] = await events(runtime, connected.connection_id, "job.benefit_create.completed")
    parsed = JobCompletionEvent.model_validate(event)  # the SDK's own model of this webhook
    assert parsed.event_type == "job.benefit_create.completed" and parsed.data is not None
    assert parsed.data.job_id == accepted["job_id"]
    assert parsed.data.job_url == f"http://127.0.0.1:8000/jobs/manual/{accepted['job_id']}"

    # reference §8: create is idempotent on (type, frequency, description).
    again = (await client.post("/employer/benefits", json=NEW_PLAN, headers=connected.bearer)).json()
    assert again["benefit_id"] == accepted["benefit_id"] and again["job_id"] != accepted["job_id"]
    await settle(runtime, clock)
    repeat = await manual_job(client, connected, again["job_id"])
    assert repeat["status"] == "complete" and repeat["body"][0]["message"] == "Benefit already exists"
    assert [b["benefit_id"] for b in await benefits(client, connected)].count(accepted["benefit_id"]) == 1


async def test_register_and_update_change_what_readers_see(
    client: httpx.AsyncClient, runtime: Runtime, clock: FakeClock, connected: Connected
) -> None:
    generated = next(b for b in await benefits(client, connected) if b["type"] == "401k")
    registered = await client.post(
        "/employer/benefits/register",
        json={"description": "Employer HSA", "type": "hsa_post", "frequency": "every_paycheck"},
        headers=connected.bearer,
    )
    assert registered.status_code == 200, registered.text
    renamed = await client.post(
        f"/employer/benefits/{generated['benefit_id']}",
        json={"description": "  Retirement 401(k)  "},
        headers=connected.bearer,
    )
    assert renamed.json()["benefit_id"] == generated["benefit_id"]
    await settle(runtime, clock)
    registered_job = await manual_job(client, connected, registered.json()["job_id"])
    assert registered_job["status"] == "complete"
    assert registered_job["body"][0]["message"] == "Benefit registered"
    by_id = {b["benefit_id"]: b for b in await benefits(client, connected)}
    assert by_id[registered.json()["benefit_id"]]["description"] == "Employer HSA"
    assert by_id[generated["benefit_id"]] == {**generated, "description": "Retirement 401(k)"}
    assert await events(runtime, connected.connection_id, "job.benefit_register.completed")
    assert await events(runtime, connected.connection_id, "job.benefit_update.completed")

    # A benefit added through the API can be renamed too.
    second = await client.post(
        f"/employer/benefits/{registered.json()['benefit_id']}",
        json={"description": "HSA (post-tax)"},
        headers=connected.bearer,
    )
    await settle(runtime, clock)
    assert (await manual_job(client, connected, second.json()["job_id"]))["status"] == "complete"
    read = await client.get(f"/employer/benefits/{registered.json()['benefit_id']}", headers=connected.bearer)
    assert read.json()["description"] == "HSA (post-tax)"


async def test_enrolling_overwrites_and_unenrolling_removes(
    client: httpx.AsyncClient, runtime: Runtime, clock: FakeClock, connected: Connected
) -> None:
    plan = next(b for b in await benefits(client, connected) if b["type"] == "401k")
    before = await enrollments(client, connected, plan["benefit_id"])
    everyone = await people(client, connected)
    enrolled = next(iter(before))
    newcomer = next(p for p in everyone if p not in before)
    unknown = "00000000-0000-4000-8000-000000000000"
    configuration = {
        "employee_deduction": {"type": "percent", "amount": 600},
        "company_contribution": {"type": "tiered", "tiers": [{"match": 10_000, "threshold": 400}]},
        "annual_maximum": 2_300_000,
        "catch_up": True,
        "effective_date": "02/01/2026",
    }
    body = [
        {"individual_id": person, "configuration": configuration} for person in (enrolled, newcomer, unknown)
    ]
    response = await client.post(
        f"/employer/benefits/{plan['benefit_id']}/individuals", json=body, headers=connected.bearer
    )
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"job_id"}
    await settle(runtime, clock)
    job = await manual_job(client, connected, response.json()["job_id"])
    assert job["status"] == "complete"
    assert [(item["individual_id"], item["code"]) for item in job["body"]] == [
        (enrolled, 200),
        (newcomer, 200),
        (unknown, 404),
    ]
    assert job["body"][2]["finch_code"] == "individual_not_found"
    after = await enrollments(client, connected, plan["benefit_id"])
    expected = {
        "employee_deduction": {"type": "percent", "amount": 600},
        "company_contribution": {"type": "tiered", "tiers": [{"match": 10_000, "threshold": 400}]},
        "annual_maximum": 2_300_000,
        "catch_up": True,
        "hsa_contribution_limit": None,
    }
    assert after[enrolled] == after[newcomer] == expected
    assert set(after) == set(before) | {newcomer}
    assert await events(runtime, connected.connection_id, "job.benefit_enroll.completed")

    gone = await client.request(
        "DELETE",
        f"/employer/benefits/{plan['benefit_id']}/individuals",
        json={"individual_ids": [newcomer, unknown]},
        headers=connected.bearer,
    )
    assert gone.status_code == 200, gone.text
    await settle(runtime, clock)
    job = await manual_job(client, connected, gone.json()["job_id"])
    assert job["status"] == "complete" and [i["code"] for i in job["body"]] == [200, 404]
    ids = (
        await client.get(f"/employer/benefits/{plan['benefit_id']}/enrolled", headers=connected.bearer)
    ).json()
    assert newcomer not in ids["individual_ids"] and enrolled in ids["individual_ids"]
    assert await events(runtime, connected.connection_id, "job.benefit_unenroll.completed")

    # Unenrolling someone who is not enrolled does nothing: the job ends in error.
    again = await client.request(
        "DELETE",
        f"/employer/benefits/{plan['benefit_id']}/individuals",
        json={"individual_ids": [newcomer]},
        headers=connected.bearer,
    )
    await settle(runtime, clock)
    job = await manual_job(client, connected, again.json()["job_id"])
    assert job["status"] == "error" and job["body"][0]["finch_code"] == "enrollment_not_found"


async def test_people_enroll_in_a_benefit_created_through_the_api(
    client: httpx.AsyncClient, runtime: Runtime, clock: FakeClock, connected: Connected
) -> None:
    created = (await client.post("/employer/benefits", json=NEW_PLAN, headers=connected.bearer)).json()
    await settle(runtime, clock)
    person = (await people(client, connected))[0]
    body = [
        {"individual_id": person, "configuration": {"employee_deduction": {"type": "fixed", "amount": 5000}}}
    ]
    enrolled = await client.post(
        f"/employer/benefits/{created['benefit_id']}/individuals", json=body, headers=connected.bearer
    )
    await settle(runtime, clock)
    assert (await manual_job(client, connected, enrolled.json()["job_id"]))["status"] == "complete"
    assert (await enrollments(client, connected, created["benefit_id"]))[person]["employee_deduction"] == {
        "type": "fixed",
        "amount": 5000,
    }


async def test_a_write_waits_for_a_sync_that_is_already_running(
    client: httpx.AsyncClient, runtime: Runtime, clock: FakeClock, connected: Connected
) -> None:
    # Another worker is mid-sync: it may have read the benefits already, so the write waits.
    async with runtime.database.writing() as session:
        await queue.enqueue(
            session,
            clock.now(),
            SYNC_JOB,
            connection_id=connected.connection_id,
            application_id=jobs_scope(runtime)[0],  # type: ignore[index]
            dedupe_key=sync_dedupe_key(connected.connection_id),
        )
    [busy] = await queue.claim(runtime, "other-worker", 1, 600, (SYNC_JOB,), jobs_scope(runtime))
    created = (await client.post("/employer/benefits", json=NEW_PLAN, headers=connected.bearer)).json()
    writes_only = Worker(runtime, {BENEFIT_WRITE_JOB: run_benefit_write}, application_ids=jobs_scope(runtime))
    await writes_only.drain()
    async with runtime.database.reading() as session:
        waiting = await session.get(Job, created["job_id"])
    assert waiting is not None and waiting.status == "queued" and waiting.attempts == 0
    assert "progress" not in waiting.payload  # nothing was written yet
    assert (await manual_job(client, connected, created["job_id"]))["status"] == "pending"

    await queue.finish(runtime, busy, "other-worker", {"status": "complete"})
    await settle(runtime, clock)
    assert (await manual_job(client, connected, created["job_id"]))["status"] == "complete"
    assert created["benefit_id"] in [b["benefit_id"] for b in await benefits(client, connected)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "commuter", "frequency": "every_paycheck"}, "description"),
        ({**NEW_PLAN, "type": "pension"}, "type"),
        ({**NEW_PLAN, "type": None}, "type"),
        ({**NEW_PLAN, "frequency": "weekly"}, "frequency"),
        ({**NEW_PLAN, "description": "   "}, "description"),
        ({**NEW_PLAN, "company_contribution": {"type": "match", "tiers": []}}, "company_contribution.tiers"),
    ],
)
async def test_a_malformed_create_names_the_field(
    client: httpx.AsyncClient, connected: Connected, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/employer/benefits", json=body, headers=connected.bearer)
    assert response.status_code == 400
    error = response.json()
    assert error["name"] == "bad_request" and error["finch_code"] == "invalid_request"
    assert field in error["context"]["fields"] and field in error["message"]


@pytest.mark.parametrize(
    ("configuration", "field"),
    [
        ({"employee_deduction": {"type": "percent", "amount": 10_001}}, "0.configuration.employee_deduction"),
        ({"employee_deduction": {"type": "fixed"}}, "0.configuration.employee_deduction.amount"),
        ({"company_contribution": {"type": "tiered"}}, "0.configuration.company_contribution"),
        ({"company_contribution": {"type": "fixed"}}, "0.configuration.company_contribution"),
        ({"annual_maximum": 100}, "0.configuration"),
        (
            {"employee_deduction": {"type": "fixed", "amount": 1}, "effective_date": "soon"},
            "0.configuration.effective_date",
        ),
    ],
)
async def test_a_malformed_enrollment_names_the_field(
    client: httpx.AsyncClient, connected: Connected, configuration: dict[str, Any], field: str
) -> None:
    plan = (await benefits(client, connected))[0]
    person = (await people(client, connected))[0]
    response = await client.post(
        f"/employer/benefits/{plan['benefit_id']}/individuals",
        json=[{"individual_id": person, "configuration": configuration}],
        headers=connected.bearer,
    )
    assert response.status_code == 400, response.text
    assert any(f.startswith(field) for f in response.json()["context"]["fields"]), response.json()


async def test_enroll_and_unenroll_bodies_are_checked(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    plan = (await benefits(client, connected))[0]["benefit_id"]
    path = f"/employer/benefits/{plan}/individuals"
    not_an_array = await client.post(path, json={"individual_id": "x"}, headers=connected.bearer)
    empty = await client.post(path, json=[], headers=connected.bearer)
    no_ids = await client.request("DELETE", path, json={}, headers=connected.bearer)
    no_id_list = await client.request("DELETE", path, json={"individual_ids": []}, headers=connected.bearer)
    for response in (not_an_array, empty, no_ids, no_id_list):
        assert response.status_code == 400 and response.json()["finch_code"] == "invalid_request"
    assert "individual_ids" in no_ids.json()["message"]


async def test_unknown_benefits_are_404_in_finch_form(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    missing = "/employer/benefits/00000000-0000-4000-8000-000000000000"
    person = (await people(client, connected))[0]
    enrollment = [
        {"individual_id": person, "configuration": {"employee_deduction": {"type": "fixed", "amount": 1}}}
    ]
    responses = [
        await client.post(missing, json={"description": "x"}, headers=connected.bearer),
        await client.post(f"{missing}/individuals", json=enrollment, headers=connected.bearer),
        await client.request(
            "DELETE", f"{missing}/individuals", json={"individual_ids": [person]}, headers=connected.bearer
        ),
    ]
    for response in responses:
        assert response.status_code == 404
        assert response.json()["name"] == "not_found_error"
        assert response.json()["finch_code"] == "benefit_not_found"


async def test_settings_the_provider_does_not_offer_are_422(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    by_type = {b["type"]: b["benefit_id"] for b in await benefits(client, connected)}
    person = (await people(client, connected))[0]
    monthly = await client.post(
        "/employer/benefits",
        json={**NEW_PLAN, "type": "401k", "frequency": "monthly"},
        headers=connected.bearer,
    )
    match = await client.post(
        "/employer/benefits",
        json={
            **NEW_PLAN,
            "company_contribution": {"type": "match", "tiers": [{"match": 5000, "threshold": 300}]},
        },
        headers=connected.bearer,
    )
    catch_up = await client.post(
        f"/employer/benefits/{by_type['s125_medical']}/individuals",
        json=[
            {
                "individual_id": person,
                "configuration": {"employee_deduction": {"type": "fixed", "amount": 100}, "catch_up": True},
            }
        ],
        headers=connected.bearer,
    )
    percent = await client.post(
        f"/employer/benefits/{by_type['s125_dental']}/individuals",
        json=[
            {
                "individual_id": person,
                "configuration": {"employee_deduction": {"type": "percent", "amount": 100}},
            }
        ],
        headers=connected.bearer,
    )
    for response, field in (
        (monthly, "frequency"),
        (match, "company_contribution"),
        (catch_up, "0.configuration.catch_up"),
        (percent, "0.configuration.employee_deduction.type"),
    ):
        assert response.status_code == 422, response.text
        error = response.json()
        assert error["name"] == "unprocessable_request_error"
        assert error["finch_code"] == "unsupported_parameters"
        assert error["context"]["fields"] == [field]


async def test_writes_need_the_benefits_product(
    client: httpx.AsyncClient, runtime: Runtime, app_credentials: Credentials
) -> None:
    organization = await connect_sandbox(
        client, app_credentials, customer_id="no-benefits-co", products=["company", "directory"]
    )
    await run_jobs(runtime)
    some_id = "00000000-0000-4000-8000-000000000000"
    responses = [
        await client.post("/employer/benefits", json=NEW_PLAN, headers=organization.bearer),
        await client.post("/employer/benefits/register", json=NEW_PLAN, headers=organization.bearer),
        await client.post(
            f"/employer/benefits/{some_id}", json={"description": "x"}, headers=organization.bearer
        ),
        await client.post(f"/employer/benefits/{some_id}/individuals", json=[], headers=organization.bearer),
        await client.request(
            "DELETE", f"/employer/benefits/{some_id}/individuals", json={}, headers=organization.bearer
        ),
    ]
    for response in responses:
        assert response.status_code == 403
        assert response.json()["name"] == "insufficient_scope_error"


async def test_a_provider_with_read_only_benefits_answers_501(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    creds = await make_application(runtime, type="sandbox")
    created = await create_sandbox_connection(
        client,
        creds,
        provider_id="quickbooks",
        employee_size=3,
        products=["company", "directory", "benefits"],
    )
    await run_jobs(runtime)
    bearer = {"Authorization": f"Bearer {created['access_token']}"}
    plan = (await client.get("/employer/benefits", headers=bearer)).json()[0]
    person = (await client.get("/employer/directory", headers=bearer)).json()["individuals"][0]["id"]
    enrollment = [
        {"individual_id": person, "configuration": {"employee_deduction": {"type": "fixed", "amount": 1}}}
    ]
    responses = [
        await client.post("/employer/benefits", json={**NEW_PLAN, "type": "401k"}, headers=bearer),
        await client.post(
            f"/employer/benefits/{plan['benefit_id']}", json={"description": "x"}, headers=bearer
        ),
        await client.post(
            f"/employer/benefits/{plan['benefit_id']}/individuals", json=enrollment, headers=bearer
        ),
    ]
    for response in responses:
        assert response.status_code == 501, response.text
        assert response.json()["name"] == "not_implemented_error"
        assert "QuickBooks" in response.json()["message"]
    # A type the provider does not offer at all is the request's fault, not the provider's.
    unsupported = await client.post("/employer/benefits", json=NEW_PLAN, headers=bearer)
    assert unsupported.status_code == 422 and unsupported.json()["context"]["fields"] == ["type"]


@pytest.fixture(scope="module")
def emulators() -> Iterator[BackgroundEmulators]:
    running = start_in_threads(build_emulators())
    yield running
    running.stop()


@pytest.fixture
async def provider_runtime(settings: Settings, emulators: BackgroundEmulators) -> AsyncIterator[Runtime]:
    runtime = build_runtime(
        settings.model_copy(update={"bamboohr_base_url": emulators.urls["bamboo_hr_api"]})
    )
    yield runtime
    await runtime.real_adapters.aclose()
    await runtime.database.dispose()


async def test_a_real_adapter_that_cannot_write_ends_the_job_in_error(provider_runtime: Runtime) -> None:
    runtime = provider_runtime
    app = create_app(runtime.settings, runtime=runtime)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        creds = await make_application(runtime, redirect_uris=[REDIRECT])
        session = await http.post(
            "/connect/sessions",
            json={
                "customer_id": "bamboo-benefits",
                "customer_name": "Emulated Co",
                "products": ["company", "directory"],
                "redirect_uri": REDIRECT,
                "sandbox": "provider",
                "integration": {"provider": "bamboo_hr_api"},
            },
            headers=creds.basic,
        )
        driver = ConnectDriver(http, session.json()["session_id"])
        await driver.open()
        await driver.post("/authorize/login", api_token="acme:0123456789abcdef0123456789abcdef01234567")
        code = query_of(await driver.post("/authorize/consent", decision="grant"))["code"]
        token = (
            await http.post(
                "/auth/token",
                json={
                    "client_id": creds.client_id,
                    "client_secret": creds.client_secret,
                    "code": code,
                    "redirect_uri": REDIRECT,
                },
            )
        ).json()
        await run_jobs(runtime)
        # BambooHR's catalogue entry offers no benefits, so the API refuses such a write before
        # queueing it; queued anyway, the job meets the adapter's own refusal.
        async with runtime.database.writing() as db:
            job, _ = await queue.enqueue(
                db,
                runtime.clock.now(),
                BENEFIT_WRITE_JOB,
                {
                    "operation": "create",
                    "benefit_id": "11111111-1111-4111-8111-111111111111",
                    "benefit_source_id": "roost-benefit-test",
                    "entity_id": None,
                    "request": NEW_PLAN,
                },
                connection_id=token["connection_id"],
                application_id=jobs_scope(runtime)[-1],  # type: ignore[index]
                public_type="manual",
            )
        await run_jobs(runtime)
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        manual = (await http.get(f"/jobs/manual/{job.id}", headers=bearer)).json()
    assert manual["status"] == "error"
    assert manual["body"] == [
        {
            "benefit_id": "11111111-1111-4111-8111-111111111111",
            "code": 501,
            "message": "BambooHR does not accept benefit writes through Roost",
            "name": "not_implemented_error",
        }
    ]
    assert await events(runtime, token["connection_id"], "job.benefit_create.completed")
    async with runtime.database.reading() as db:
        failed = await db.get(Job, job.id)
        syncs = await db.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.connection_id == token["connection_id"], Job.kind == SYNC_JOB)
        )
    assert failed is not None and failed.status == "failed" and failed.attempts == 1
    assert syncs == 1  # only the initial sync: a refused write has nothing to publish
