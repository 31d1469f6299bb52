"""Sandbox edits are echoed at once and are what the next sync reads (reference §11)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from roost.core.runtime import Runtime
from tests.conftest import Credentials, make_application
from tests.integration.test_sandbox_api import bearer, create
from tests.syncing import resync, run_jobs

EVERYTHING = ["company", "directory", "individual", "ssn", "employment", "payment", "pay_statement"]


@pytest.fixture
async def company(api: httpx.AsyncClient, runtime: Runtime) -> dict[str, Any]:
    creds: Credentials = await make_application(runtime, type="sandbox")
    created = await create(api, creds, employee_size=6, products=EVERYTHING)
    await run_jobs(runtime)
    return created


async def people(api: httpx.AsyncClient, company: dict[str, Any]) -> list[dict[str, Any]]:
    response = await api.get("/employer/directory", headers=bearer(company))
    return list(response.json()["individuals"])


async def batch(
    api: httpx.AsyncClient, company: dict[str, Any], path: str, ids: list[str]
) -> list[dict[str, Any]]:
    body = {"requests": [{"individual_id": i} for i in ids], "options": {"include": ["ssn"]}}
    response = await api.post(path, json=body, headers=bearer(company))
    return [r["body"] for r in response.json()["responses"]]


async def test_a_company_edit_is_echoed_then_synced(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    edit = {
        "legal_name": "Renamed Robotics, Inc.",
        "ein": "12-3456789",
        "entity": {"type": "llc", "subtype": None},
        "departments": [
            {"name": "Research", "parent": None},
            None,
            {"name": "Labs", "parent": {"name": "Research"}},
        ],
        "locations": [
            {"line1": "1 Main St", "city": "Boston", "state": "MA", "postal_code": "02110", "country": "US"}
        ],
        "accounts": [],
        "primary_email": "hr@renamed.example",
        "primary_phone_number": "+16175550100",
    }
    response = await api.put("/sandbox/company", json=edit, headers=bearer(company))
    assert response.status_code == 200, response.text
    echoed = response.json()
    assert "id" not in echoed and echoed["legal_name"] == "Renamed Robotics, Inc."
    assert [d["name"] for d in echoed["departments"]] == ["Research", "Labs"]
    before = (await api.get("/employer/company", headers=bearer(company))).json()
    assert before["legal_name"] != "Renamed Robotics, Inc."
    await resync(runtime, company["connection_id"])
    after = (await api.get("/employer/company", headers=bearer(company))).json()
    assert after["legal_name"] == "Renamed Robotics, Inc." and after["id"] == before["id"]
    assert after["entity"] == {"type": "llc", "subtype": None} and after["locations"][0]["city"] == "Boston"


async def test_individual_and_employment_edits_reach_every_endpoint_after_a_sync(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    chief, person = (await people(api, company))[:2]
    individual = await api.put(
        f"/sandbox/individual/{person['id']}",
        json={
            "first_name": "Ada",
            "emails": [{"data": "ada@example.com", "type": "work"}],
            "gender": "female",
        },
        headers=bearer(company),
    )
    assert individual.status_code == 200, individual.text
    assert individual.json()["id"] == person["id"] and individual.json()["first_name"] == "Ada"
    employment = await api.put(
        f"/sandbox/employment/{person['id']}",
        json={"title": "Chief Tinkerer", "manager": {"id": chief["id"]}, "department": {"name": "Labs"}},
        headers=bearer(company),
    )
    assert employment.status_code == 200, employment.text
    echoed = employment.json()
    assert echoed["manager"] == {"id": chief["id"]} and echoed["first_name"] == "Ada"
    await resync(runtime, company["connection_id"])
    [synced_individual] = await batch(api, company, "/employer/individual", [person["id"]])
    assert (
        synced_individual["first_name"] == "Ada"
        and synced_individual["emails"][0]["data"] == "ada@example.com"
    )
    [synced_employment] = await batch(api, company, "/employer/employment", [person["id"]])
    assert synced_employment["title"] == "Chief Tinkerer" and synced_employment["manager"] == {
        "id": chief["id"]
    }
    entry = next(p for p in await people(api, company) if p["id"] == person["id"])
    assert entry["first_name"] == "Ada" and entry["department"] == {"name": "Labs"}


async def test_edits_name_people_by_their_roost_ids(api: httpx.AsyncClient, company: dict[str, Any]) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    response = await api.put(
        f"/sandbox/individual/{missing}", json={"first_name": "X"}, headers=bearer(company)
    )
    assert response.status_code == 404 and response.json()["finch_code"] == "individual_not_found"
    person = (await people(api, company))[1]
    bad_manager = await api.put(
        f"/sandbox/employment/{person['id']}", json={"manager": {"id": missing}}, headers=bearer(company)
    )
    assert bad_manager.status_code == 404
    bad_enum = await api.put(
        f"/sandbox/individual/{person['id']}", json={"gender": "robot"}, headers=bearer(company)
    )
    assert bad_enum.status_code == 400 and bad_enum.json()["name"] == "bad_request"


async def test_added_people_get_ids_at_once_and_appear_after_a_sync(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    body = [
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "title": "Rear Admiral",
            "employment": {"type": "employee"},
        },
        {},
    ]
    response = await api.post("/sandbox/directory", json=body, headers=bearer(company))
    assert response.status_code == 200, response.text
    grace, mock = response.json()
    assert grace["first_name"] == "Grace" and grace["title"] == "Rear Admiral" and grace["id"]
    assert mock["first_name"] and mock["last_name"] and mock["id"] != grace["id"]  # mock data fills gaps
    await resync(runtime, company["connection_id"])
    directory = await people(api, company)
    assert len(directory) == 8 and {grace["id"], mock["id"]} <= {p["id"] for p in directory}
    [employment] = await batch(api, company, "/employer/employment", [grace["id"]])
    assert employment["title"] == "Rear Admiral" and employment["last_name"] == "Hopper"
    # Added people are edited like generated ones.
    renamed = await api.put(
        f"/sandbox/individual/{grace['id']}", json={"preferred_name": "Amazing"}, headers=bearer(company)
    )
    assert renamed.status_code == 200 and renamed.json()["preferred_name"] == "Amazing"
    taken = await api.post("/sandbox/directory", json=[{"source_id": "emp-000001"}], headers=bearer(company))
    assert taken.status_code == 400


async def test_an_added_payment_and_its_statements_appear_after_a_sync(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    person = (await people(api, company))[2]
    statement = {
        "individual_id": person["id"],
        "earnings": [{"type": "bonus", "name": "Launch bonus", "amount": 500_000, "hours": 0}],
        "taxes": [{"type": "federal", "name": "Federal", "employer": False, "amount": 100_000}],
        "employee_deductions": [{"name": "401k", "amount": 20_000, "pre_tax": True, "type": "401k"}],
        "employer_contributions": [{"name": "401k match", "amount": 10_000, "type": "401k"}],
        "gross_pay": 500_000,
        "net_pay": 380_000,
        "payment_method": "direct_deposit",
        "total_hours": 0,
        "type": "off_cycle_payroll",
    }
    body = {"start_date": "2025-12-15", "end_date": "2025-12-31", "pay_statements": [statement]}
    response = await api.post("/sandbox/payment", json=body, headers=bearer(company))
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["pay_date"] == "2025-12-31" and created["payment_id"]
    await resync(runtime, company["connection_id"])
    window = {"start_date": "2025-12-31", "end_date": "2025-12-31"}
    payments = (await api.get("/employer/payment", params=window, headers=bearer(company))).json()
    payment = next(p for p in payments if p["id"] == created["payment_id"])
    assert payment["gross_pay"] == {"amount": 500_000, "currency": "usd"}
    assert payment["individual_ids"] == [person["id"]]
    statements = await api.post(
        "/employer/pay-statement",
        json={"requests": [{"payment_id": created["payment_id"]}]},
        headers=bearer(company),
    )
    [paid] = statements.json()["responses"][0]["body"]["pay_statements"]
    assert paid["individual_id"] == person["id"] and paid["net_pay"]["amount"] == 380_000
    assert paid["earnings"][0]["name"] == "Launch bonus"


async def test_payments_are_checked(api: httpx.AsyncClient, company: dict[str, Any]) -> None:
    person = (await people(api, company))[0]
    twice = {"pay_statements": [{"individual_id": person["id"]}, {"individual_id": person["id"]}]}
    assert (await api.post("/sandbox/payment", json=twice, headers=bearer(company))).status_code == 400
    backwards = {"start_date": "2025-12-31", "end_date": "2025-12-01"}
    assert (await api.post("/sandbox/payment", json=backwards, headers=bearer(company))).status_code == 400
    stranger = {"pay_statements": [{"individual_id": "00000000-0000-4000-8000-000000000000"}]}
    assert (await api.post("/sandbox/payment", json=stranger, headers=bearer(company))).status_code == 404
    empty = await api.post("/sandbox/payment", json={}, headers=bearer(company))
    assert empty.status_code == 200 and empty.json()["pay_date"] == "2026-01-01"
