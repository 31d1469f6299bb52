"""Benefit writes through the official ``finch-api`` SDK against a running Roost (reference §8, §9).

Every write method of ``client.hris.benefits`` and ``client.hris.benefits.individuals``, with
``client.jobs.manual.retrieve`` to follow the job, on a Finch-mode sandbox connection.
"""

from __future__ import annotations

import time

import finch
import pytest
from finch import Finch
from finch.types.jobs import ManualAsyncJob

from tests.conftest import Credentials, LiveServer

pytestmark = pytest.mark.contract
WAIT_SECONDS = 60
PRODUCTS = ["company", "directory", "individual", "employment", "benefits"]


@pytest.fixture
def employer(live_server: LiveServer, live_credentials: Credentials) -> Finch:
    application = Finch(
        client_id=live_credentials.client_id,
        client_secret=live_credentials.client_secret,
        base_url=live_server.url,
        max_retries=0,
    )
    created = application.sandbox.connections.create(provider_id="paycom", employee_size=6, products=PRODUCTS)
    client = Finch(access_token=created.access_token, base_url=live_server.url, max_retries=0)
    deadline = time.monotonic() + WAIT_SECONDS
    while client.account.introspect().connection_status.last_successful_sync is None:
        assert time.monotonic() < deadline, "the first sync did not finish in time"
        time.sleep(0.2)
    return client


def finished(client: Finch, job_id: str) -> ManualAsyncJob:
    deadline = time.monotonic() + WAIT_SECONDS
    while (job := client.jobs.manual.retrieve(job_id)).status in ("pending", "in_progress"):
        assert time.monotonic() < deadline, "the benefit job did not finish in time"
        time.sleep(0.2)
    return job


def test_company_benefits_are_created_registered_and_updated(employer: Finch) -> None:
    created = employer.hris.benefits.create(
        description="Transit Pass",
        type="commuter",
        frequency="every_paycheck",
    )
    assert created.benefit_id and created.job_id
    job = finished(employer, created.job_id)
    assert job.status == "complete" and job.body == [
        {"benefit_id": created.benefit_id, "code": 200, "message": "Benefit created"}
    ]
    benefit = employer.hris.benefits.retrieve(created.benefit_id)
    assert (benefit.description, benefit.type, benefit.frequency) == (
        "Transit Pass",
        "commuter",
        "every_paycheck",
    )

    matched = employer.hris.benefits.create(
        description="Roth 403(b)",
        type="403b_roth",
        frequency="every_paycheck",
        company_contribution={"type": "match", "tiers": [{"match": 5_000, "threshold": 600}]},
    )
    registered = employer.hris.benefits.register(
        description="Loan Repayment", type="custom_post_tax", frequency="one_time"
    )
    updated = employer.hris.benefits.update(created.benefit_id, description="Transit + Parking")
    assert updated.benefit_id == created.benefit_id
    for job_id in (matched.job_id, registered.job_id, updated.job_id):
        assert finished(employer, job_id).status == "complete"
    by_id = {b.benefit_id: b for b in employer.hris.benefits.list()}
    assert by_id[created.benefit_id].description == "Transit + Parking"
    assert by_id[registered.benefit_id].frequency == "one_time"
    match = by_id[matched.benefit_id].company_contribution
    assert (
        match is not None
        and match.type == "match"
        and [(t.match, t.threshold) for t in match.tiers] == [(5_000, 600)]
    )


def test_individuals_are_enrolled_and_unenrolled(employer: Finch) -> None:
    plan = next(b for b in employer.hris.benefits.list() if b.type == "hsa_pre")
    people = [p.id for p in employer.hris.directory.list()]
    enrolled = employer.hris.benefits.individuals.enroll_many(
        plan.benefit_id,
        individuals=[
            {
                "individual_id": people[0],
                "configuration": {
                    "employee_deduction": {"type": "fixed", "amount": 15_000},
                    "company_contribution": {"type": "fixed", "amount": 5_000},
                    "annual_maximum": 415_000,
                    "annual_contribution_limit": "family",
                    "effective_date": "2026-02-01",
                },
            }
        ],
    )
    job = finished(employer, enrolled.job_id)
    assert job.status == "complete" and job.body == [
        {"individual_id": people[0], "code": 200, "message": "Enrolled"}
    ]
    [read] = list(
        employer.hris.benefits.individuals.retrieve_many_benefits(plan.benefit_id, individual_ids=people[0])
    )
    assert read.code == 200
    assert read.body.hsa_contribution_limit == "family"  # type: ignore[union-attr]
    assert read.body.employee_deduction.amount == 15_000  # type: ignore[union-attr]
    assert people[0] in employer.hris.benefits.individuals.enrolled_ids(plan.benefit_id).individual_ids

    removed = employer.hris.benefits.individuals.unenroll_many(plan.benefit_id, individual_ids=[people[0]])
    assert finished(employer, removed.job_id).status == "complete"
    assert people[0] not in employer.hris.benefits.individuals.enrolled_ids(plan.benefit_id).individual_ids


def test_bad_writes_raise_the_sdk_errors(employer: Finch) -> None:
    plan = next(b for b in employer.hris.benefits.list() if b.type == "401k")
    with pytest.raises(finch.BadRequestError) as bad:
        employer.hris.benefits.create(description="", type="commuter", frequency="every_paycheck")
    assert "description" in bad.value.message
    with pytest.raises(finch.UnprocessableEntityError):
        employer.hris.benefits.create(description="Monthly 401(k)", type="401k", frequency="monthly")
    with pytest.raises(finch.NotFoundError):
        employer.hris.benefits.update("00000000-0000-4000-8000-000000000000", description="x")
    with pytest.raises(finch.BadRequestError):
        employer.hris.benefits.individuals.unenroll_many(plan.benefit_id, individual_ids=[])
