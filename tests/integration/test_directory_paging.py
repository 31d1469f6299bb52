"""Directory paging: every offset lands on the right row, before and after re-syncs.

Pages seek to cached marks (every 100th row of a live listing) instead of stepping over
``offset`` rows, and versions written by different syncs can share a sort key; whatever
the page size and offset, the pages must add up to the full listing exactly once.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text

from roost.core.runtime import Runtime
from tests.conftest import Credentials, make_application
from tests.integration.test_sandbox_api import bearer, create
from tests.syncing import resync, run_jobs


@pytest.fixture
async def company(api: httpx.AsyncClient, runtime: Runtime) -> dict[str, Any]:
    creds: Credentials = await make_application(runtime, type="sandbox")
    created = await create(api, creds, employee_size=260, products=["directory", "individual"])
    await run_jobs(runtime)
    return created


async def listing(api: httpx.AsyncClient, company: dict[str, Any], limit: int, offset: int) -> dict[str, Any]:
    response = await api.get(
        "/employer/directory", params={"limit": limit, "offset": offset}, headers=bearer(company)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def assert_pages_add_up(api: httpx.AsyncClient, company: dict[str, Any]) -> list[str]:
    everyone = await listing(api, company, 10_000, 0)
    ids = [person["id"] for person in everyone["individuals"]]
    assert everyone["paging"]["count"] == len(ids) == len(set(ids))
    for limit in (1, 7, 100, 99, 101):
        paged: list[str] = []
        for offset in range(0, len(ids), limit):
            page = await listing(api, company, limit, offset)
            assert page["paging"] == {"count": len(ids), "offset": offset}
            paged += [person["id"] for person in page["individuals"]]
        assert paged == ids, f"pages of {limit} do not add up to the listing"
    for offset in (99, 100, 101, 199, 200, len(ids) - 1):
        page = await listing(api, company, 3, offset)
        assert [person["id"] for person in page["individuals"]] == ids[offset : offset + 3]
    past_the_end = await listing(api, company, 5, len(ids))
    assert past_the_end["individuals"] == [] and past_the_end["paging"]["count"] == len(ids)
    return ids


async def test_pages_cover_the_directory_exactly_once(
    api: httpx.AsyncClient, company: dict[str, Any]
) -> None:
    ids = await assert_pages_add_up(api, company)
    assert len(ids) == 260


async def test_pages_stay_exact_when_versions_from_several_syncs_are_live(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    before = await assert_pages_add_up(api, company)
    # Renaming people writes new versions in sync 2 whose sort keys collide with unchanged
    # rows of sync 1; an added person extends the listing.
    for person_id in before[::37]:
        edited = await api.put(
            f"/sandbox/individual/{person_id}", json={"first_name": "Renamed"}, headers=bearer(company)
        )
        assert edited.status_code == 200, edited.text
    added = await api.post("/sandbox/directory", json=[{"first_name": "Newcomer"}], headers=bearer(company))
    assert added.status_code == 200, added.text
    await resync(runtime, company["connection_id"])
    after = await assert_pages_add_up(api, company)
    assert set(before) < set(after) and len(after) == len(before) + 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 10_001}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
async def test_bad_paging_parameters_answer_in_finch_form(
    api: httpx.AsyncClient, company: dict[str, Any], query: dict[str, Any], field: str
) -> None:
    response = await api.get("/employer/directory", params=query, headers=bearer(company))
    assert response.status_code == 400
    body = response.json()
    assert body["name"] == "bad_request" and body["finch_code"] == "invalid_request"
    assert body["message"].startswith(f"{field}:") and body["context"] == {"fields": [field]}
    assert response.headers["finch-request-id"]


async def test_the_directory_checks_token_and_scope_before_paging(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    anonymous = await api.get("/employer/directory", params={"limit": 0})
    assert anonymous.status_code == 401 and anonymous.json()["name"] == "unauthorized_request_error"
    forged = await api.get("/employer/directory", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401 and forged.json()["name"] == "invalid_token_error"
    creds: Credentials = await make_application(runtime, type="sandbox")
    payroll_only = await create(api, creds, employee_size=3, products=["payment"])
    await run_jobs(runtime)
    refused = await api.get("/employer/directory", headers=bearer(payroll_only))
    assert refused.status_code == 403 and refused.json()["name"] == "insufficient_scope_error"


_PAGE_ROWS = text(
    "SELECT roost_id, valid_from, valid_to FROM data_records"
    " WHERE connection_id = :cid AND kind = 'directory_page' ORDER BY pk"
)


async def page_rows(runtime: Runtime, connection_id: str) -> list[tuple[str, int, int | None]]:
    async with runtime.database.reading() as session:
        rows = await session.execute(_PAGE_ROWS, {"cid": connection_id})
        return [(row.roost_id, row.valid_from, row.valid_to) for row in rows]


async def every_answer(api: httpx.AsyncClient, company: dict[str, Any]) -> list[dict[str, Any]]:
    """Answers for page sizes and offsets on, across and off the stored page boundaries."""
    queries = [(10_000, 0), (100, 0), (100, 100), (100, 200), (100, 250), (1, 0), (1, 259), (3, 99)]
    queries += [(250, 5), (101, 99), (7, 196), (200, 100), (5, 260)]
    return [await listing(api, company, limit, offset) for limit, offset in queries]


async def test_the_directory_is_stored_as_pages_that_answer_like_the_records(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    connection_id = company["connection_id"]
    # 260 people: pages 0 and 1 hold 100 each, page 2 the last 60.
    assert [row[0] for row in await page_rows(runtime, connection_id)] == [
        "000000000000",
        "000000000001",
        "000000000002",
    ]
    from_pages = await every_answer(api, company)
    # A connection synced before pages existed has none: its records answer, identically.
    async with runtime.database.writing() as session:
        await session.execute(
            text("DELETE FROM data_records WHERE connection_id = :cid AND kind = 'directory_page'"),
            {"cid": connection_id},
        )
    assert await page_rows(runtime, connection_id) == []
    assert await every_answer(api, company) == from_pages
    # Its next sync stores the pages even though nothing changed.
    await resync(runtime, connection_id)
    assert len(await page_rows(runtime, connection_id)) == 3
    assert await every_answer(api, company) == from_pages


async def test_a_resync_writes_only_the_pages_that_changed(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    connection_id = company["connection_id"]
    first = await page_rows(runtime, connection_id)
    await resync(runtime, connection_id)
    assert await page_rows(runtime, connection_id) == first, "a no-change re-sync wrote pages"
    ids = [person["id"] for person in (await listing(api, company, 10_000, 0))["individuals"]]
    renamed = await api.put(
        f"/sandbox/individual/{ids[150]}", json={"first_name": "Renamed"}, headers=bearer(company)
    )
    assert renamed.status_code == 200, renamed.text
    await resync(runtime, connection_id)
    rows = await page_rows(runtime, connection_id)
    sync_number = max(row[1] for row in rows)
    # Page 1 (people 100-199) got a new version; pages 0 and 2 were left as they were.
    assert [row for row in rows if row[1] == sync_number] == [("000000000001", sync_number, None)]
    assert [row[0] for row in rows if row[2] == sync_number] == ["000000000001"]
    page = await listing(api, company, 100, 100)
    assert page["individuals"][50]["id"] == ids[150]
    assert page["individuals"][50]["first_name"] == "Renamed"
    await assert_pages_add_up(api, company)


async def test_a_failing_read_on_the_hot_path_is_a_finch_500(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    # A real fault: the records table is gone while the directory is read.
    async with runtime.database.writing() as session:
        await session.execute(text("ALTER TABLE data_records RENAME TO data_records_away"))
    try:
        response = await api.get("/employer/directory", headers=bearer(company))
    finally:
        async with runtime.database.writing() as session:
            await session.execute(text("ALTER TABLE data_records_away RENAME TO data_records"))
    assert response.status_code == 500
    assert response.json() == {
        "statusCode": 500,
        "status": 500,
        "code": 500,
        "name": "server_error",
        "message": "Internal server error",
    }
    assert response.headers["finch-request-id"]
    assert "Traceback" not in response.text and "data_records" not in response.text
    assert (await listing(api, company, 1, 0))["paging"]["count"] == 260
