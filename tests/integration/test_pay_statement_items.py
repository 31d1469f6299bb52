"""GET /employer/pay-statement-item and the pay statement item rules, on the real database."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from tests.conftest import Credentials, make_application
from tests.syncing import REDIRECT, Connected, connect_sandbox, resync, run_jobs

ITEMS = "/employer/pay-statement-item"
RULES = "/employer/pay-statement-item/rule"
CATEGORIES = ("earnings", "taxes", "employee_deductions", "employer_contributions")


@pytest.fixture
async def connected(client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime) -> Connected:
    connection = await connect_sandbox(client, app_credentials, customer_id="items")
    await run_jobs(runtime)
    return connection


async def items(client: httpx.AsyncClient, connected: Connected, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(ITEMS, params=params, headers=connected.bearer)
    assert response.status_code == 200, response.text
    return list(response.json()["responses"])


def by_name(found: list[dict[str, Any]], category: str, name: str) -> dict[str, Any]:
    (item,) = [i for i in found if i["category"] == category and i["name"] == name]
    return item


async def statement_lines(
    client: httpx.AsyncClient, connected: Connected, start: str, end: str
) -> set[tuple[Any, ...]]:
    """The distinct lines of every pay statement paid in [start, end], read the Finch way."""
    payments = (
        await client.get(
            "/employer/payment", params={"start_date": start, "end_date": end}, headers=connected.bearer
        )
    ).json()
    lines: set[tuple[Any, ...]] = set()
    for first in range(0, len(payments), 10):
        requests = [{"payment_id": p["id"], "limit": 5000} for p in payments[first : first + 10]]
        answer = await client.post(
            "/employer/pay-statement", json={"requests": requests}, headers=connected.bearer
        )
        for response in answer.json()["responses"]:
            for statement in response["body"]["pay_statements"]:
                for category in CATEGORIES:
                    for line in statement[category]:
                        lines.add(
                            (
                                category,
                                line["name"],
                                line.get("type"),
                                line.get("employer") if category == "taxes" else None,
                                line.get("pre_tax") if category == "employee_deductions" else None,
                            )
                        )
    return lines


def as_lines(found: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {
        (
            i["category"],
            i["name"],
            i["attributes"]["type"],
            i["attributes"]["employer"],
            i["attributes"]["pre_tax"],
        )
        for i in found
    }


async def payments_of_2025(client: httpx.AsyncClient, connected: Connected) -> list[dict[str, Any]]:
    response = await client.get(
        "/employer/payment",
        params={"start_date": "2025-01-01", "end_date": "2025-12-31"},
        headers=connected.bearer,
    )
    assert response.status_code == 200, response.text
    return list(response.json())


def rule_body(name: str, metadata: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "attributes": {"metadata": metadata},
        "conditions": [{"field": "name", "operator": "equals", "value": name}],
        "entity_type": "pay_statement_item",
        **extra,
    }


async def create_rule(
    client: httpx.AsyncClient, connected: Connected, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(RULES, json=body, headers=connected.bearer)
    assert response.status_code == 201, response.text
    return dict(response.json())


# --- the items --------------------------------------------------------------------------------


async def test_items_are_exactly_the_distinct_lines_of_the_window_s_pay_statements(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    found = await items(client, connected, start_date="2025-03-01", end_date="2025-05-31")
    expected = await statement_lines(client, connected, "2025-03-01", "2025-05-31")
    assert expected and as_lines(found) == expected
    assert len(found) == len(expected)  # each distinct item once
    assert {i["category"] for i in found} == set(CATEGORIES)
    for item in found:
        assert set(item) == {"name", "category", "attributes"}
        assert set(item["attributes"]) == {"employer", "metadata", "pre_tax", "type"}
        assert item["attributes"]["metadata"] is None  # no rules yet
        assert (item["attributes"]["employer"] is not None) == (item["category"] == "taxes")
        assert (item["attributes"]["pre_tax"] is not None) == (item["category"] == "employee_deductions")
    ordered = [(CATEGORIES.index(i["category"]), i["name"].casefold()) for i in found]
    assert ordered == sorted(ordered)
    assert by_name(found, "taxes", "Social Security Employer")["attributes"]["employer"] is True


async def test_without_dates_every_synced_pay_statement_counts(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    everything = await items(client, connected)
    assert as_lines(everything) == await statement_lines(client, connected, "1900-01-01", "2100-12-31")
    assert await items(client, connected, start_date="1990-01-01", end_date="1990-12-31") == []
    assert as_lines(await items(client, connected, start_date="2025-03-01")) <= as_lines(everything)


async def test_categories_accept_all_three_array_styles(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    styles = [
        httpx.QueryParams([("categories[]", "taxes"), ("categories[]", "earnings")]),
        httpx.QueryParams([("categories", "taxes"), ("categories", "earnings")]),
        httpx.QueryParams([("categories", "taxes,earnings")]),
    ]
    answers = []
    for params in styles:
        response = await client.get(ITEMS, params=params, headers=connected.bearer)
        assert response.status_code == 200
        answers.append(response.json()["responses"])
    assert answers[0] == answers[1] == answers[2]
    assert {i["category"] for i in answers[0]} == {"taxes", "earnings"}


async def test_name_is_a_case_insensitive_partial_match_and_type_an_exact_one(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    social = await items(client, connected, name="SOCIAL sec")
    assert {i["name"] for i in social} == {"Social Security", "Social Security Employer"}
    fica = await items(client, connected, type="FICA")
    assert {i["name"] for i in fica} == {
        "Social Security",
        "Social Security Employer",
        "Medicare",
        "Medicare Employer",
    }
    assert await items(client, connected, type="fic") == []
    both = await items(client, connected, name="medicare", type="fica", categories="taxes")
    assert {i["name"] for i in both} == {"Medicare", "Medicare Employer"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"categories": "taxes,bonuses"}, "categories"),
        ({"start_date": "2025-13-01"}, "start_date"),
        ({"end_date": "yesterday"}, "end_date"),
        ({"start_date": "2025-06-01", "end_date": "2025-05-01"}, "end_date"),
        ({"entity_ids": "00000000-0000-4000-8000-000000000000"}, "entity"),
    ],
)
async def test_bad_item_queries_are_finch_400s_naming_the_field(
    client: httpx.AsyncClient, connected: Connected, params: dict[str, str], field: str
) -> None:
    response = await client.get(ITEMS, params=params, headers=connected.bearer)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 400 and field in body["message"]


async def test_pay_statement_product_is_required(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    narrow = await connect_sandbox(
        client, app_credentials, customer_id="no-ps", products=["company", "payment"]
    )
    await run_jobs(runtime)
    for method, path in (("GET", ITEMS), ("GET", RULES), ("POST", RULES), ("DELETE", f"{RULES}/x")):
        response = await client.request(
            method, path, headers=narrow.bearer, json=rule_body("Salary", {"a": 1})
        )
        assert response.status_code == 403 and response.json()["name"] == "insufficient_scope_error"
    assert (await client.get(ITEMS)).status_code == 401


# --- rule management ----------------------------------------------------------------------------


async def test_create_list_update_and_delete_a_rule(
    client: httpx.AsyncClient, connected: Connected, clock: FakeClock
) -> None:
    created = await create_rule(
        client,
        connected,
        rule_body(
            "Salary",
            {"label": "Base Compensation"},
            effective_start_date="2025-01-01",
            effective_end_date=None,
        ),
    )
    assert created["priority"] == 1 and created["entity_type"] == "pay_statement_item"
    assert created["conditions"] == [{"field": "name", "operator": "equals", "value": "Salary"}]
    assert created["attributes"] == {"metadata": {"label": "Base Compensation"}}
    assert created["effective_start_date"] == "2025-01-01" and created["effective_end_date"] is None
    assert created["created_at"] == created["updated_at"]
    second = await create_rule(client, connected, rule_body("Medicare", {"label": "Tax"}))
    assert second["priority"] == 2 and second["id"] != created["id"]

    listed = (await client.get(RULES, headers=connected.bearer)).json()
    assert [r["id"] for r in listed["responses"]] == [created["id"], second["id"]]
    assert listed["responses"][0] == created

    clock.advance(minutes=5)
    updated = await client.put(
        f"{RULES}/{created['id']}",
        json={"attributes": {"metadata": {"label": "Base", "code": 7}}, "effective_end_date": "2025-12-31"},
        headers=connected.bearer,
    )
    assert updated.status_code == 200
    rule = updated.json()
    assert rule["attributes"]["metadata"] == {"label": "Base", "code": 7}
    assert rule["effective_end_date"] == "2025-12-31" and rule["effective_start_date"] == "2025-01-01"
    assert rule["conditions"] == created["conditions"] and rule["priority"] == 1
    assert rule["created_at"] == created["created_at"] and rule["updated_at"] != created["updated_at"]

    # The SDK's placeholder body (and an empty one) changes nothing.
    clock.advance(minutes=5)
    for body in ({"optionalProperty": {"x": 1}}, {}):
        same = await client.put(f"{RULES}/{created['id']}", json=body, headers=connected.bearer)
        assert same.json() == rule
    cleared = await client.put(
        f"{RULES}/{created['id']}", json={"effective_start_date": None}, headers=connected.bearer
    )
    assert (
        cleared.json()["effective_start_date"] is None
        and cleared.json()["effective_end_date"] == "2025-12-31"
    )

    deleted = await client.delete(f"{RULES}/{created['id']}", headers=connected.bearer)
    assert deleted.status_code == 200
    gone = deleted.json()
    assert gone["id"] == created["id"] and gone["deleted_at"] and gone["attributes"] == rule["attributes"]
    listed = (await client.get(RULES, headers=connected.bearer)).json()
    assert [r["id"] for r in listed["responses"]] == [second["id"]]
    for method in ("PUT", "DELETE"):
        again = await client.request(method, f"{RULES}/{created['id']}", json={}, headers=connected.bearer)
        assert again.status_code == 404 and again.json()["name"] == "not_found_error"
    # Priorities are never reused, even after a delete.
    third = await create_rule(client, connected, rule_body("Overtime", {"label": "OT"}))
    assert third["priority"] == 3


async def test_unknown_rule_ids_are_404(client: httpx.AsyncClient, connected: Connected) -> None:
    for method in ("PUT", "DELETE"):
        for rule_id in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
            response = await client.request(method, f"{RULES}/{rule_id}", json={}, headers=connected.bearer)
            assert response.status_code == 404
            assert response.json()["finch_code"] == "item_not_found"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"conditions": [{"field": "name", "operator": "contains", "value": "Sal"}]},
            "conditions.0.operator",
        ),
        ({"conditions": [{"field": "amount", "operator": "equals", "value": "1"}]}, "conditions.0.field"),
        ({"conditions": [{"field": "name", "value": "Salary"}]}, "conditions.0.operator"),
        ({"conditions": [{"field": "name", "operator": "equals", "value": 5}]}, "conditions.0.value"),
        ({"conditions": []}, "conditions"),
        ({"entity_type": "individual"}, "entity_type"),
        ({"attributes": {}}, "attributes.metadata"),
        ({"attributes": {"metadata": ["not", "an", "object"]}}, "attributes.metadata"),
        ({"attributes": {"metadata": {"big": "x" * 20000}}}, "attributes.metadata"),
        ({"effective_start_date": "2025-02-30"}, "effective_start_date"),
        ({"effective_start_date": "2025-06-01", "effective_end_date": "2025-05-31"}, "effective_end_date"),
    ],
)
async def test_bad_rules_are_finch_400s_naming_the_field(
    client: httpx.AsyncClient, connected: Connected, change: dict[str, Any], field: str
) -> None:
    response = await client.post(
        RULES, json={**rule_body("Salary", {"a": 1}), **change}, headers=connected.bearer
    )
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["name"] == "bad_request" and body["finch_code"] == "invalid_request"
    assert field in body["context"]["fields"] and field in body["message"]
    assert (await client.get(RULES, headers=connected.bearer)).json() == {"responses": []}


async def test_missing_parts_of_a_rule_are_400s(client: httpx.AsyncClient, connected: Connected) -> None:
    for missing in ("attributes", "conditions"):
        body = {k: v for k, v in rule_body("Salary", {"a": 1}).items() if k != missing}
        response = await client.post(RULES, json=body, headers=connected.bearer)
        assert response.status_code == 400 and response.json()["message"] == f"{missing} is required"


async def test_a_bad_update_changes_nothing(client: httpx.AsyncClient, connected: Connected) -> None:
    rule = await create_rule(
        client, connected, rule_body("Salary", {"a": 1}, effective_start_date="2025-06-01")
    )
    for body, field in (
        ({"effective_end_date": "2025-01-01"}, "effective_end_date"),
        ({"attributes": None}, "attributes"),
        ({"conditions": None}, "conditions"),
        ({"conditions": [{"field": "name", "operator": "like", "value": "x"}]}, "conditions.0.operator"),
    ):
        response = await client.put(f"{RULES}/{rule['id']}", json=body, headers=connected.bearer)
        assert response.status_code == 400 and field in response.json()["context"]["fields"]
    assert (await client.get(RULES, headers=connected.bearer)).json()["responses"] == [rule]


# --- applying rules ---------------------------------------------------------------------------


async def test_matching_rules_attach_their_metadata_to_items(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    await create_rule(client, connected, rule_body("Salary", {"label": "Base Compensation", "tier": 1}))
    found = await items(client, connected)
    assert by_name(found, "earnings", "Salary")["attributes"]["metadata"] == {
        "label": "Base Compensation",
        "tier": 1,
    }
    assert all(i["attributes"]["metadata"] is None for i in found if i["name"] != "Salary")

    # Every condition must hold: category and type together select the employer FICA lines.
    await create_rule(
        client,
        connected,
        {
            "attributes": {"metadata": {"bucket": "employer-fica"}},
            "conditions": [
                {"field": "category", "operator": "equals", "value": "taxes"},
                {"field": "type", "operator": "equals", "value": "fica"},
                {"field": "name", "operator": "equals", "value": "Medicare Employer"},
            ],
        },
    )
    found = await items(client, connected, categories="taxes")
    labelled = {i["name"] for i in found if i["attributes"]["metadata"]}
    assert labelled == {"Medicare Employer"}
    # "equals" is exact: a different case does not match.
    await create_rule(client, connected, rule_body("medicare", {"never": True}))
    assert by_name(await items(client, connected), "taxes", "Medicare")["attributes"]["metadata"] is None


async def test_overlapping_rules_merge_and_the_lowest_priority_number_wins(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    first = await create_rule(client, connected, rule_body("Salary", {"label": "first", "only_first": 1}))
    await create_rule(client, connected, rule_body("Salary", {"label": "second", "only_second": 2}))
    salary = by_name(await items(client, connected), "earnings", "Salary")
    assert salary["attributes"]["metadata"] == {"label": "first", "only_first": 1, "only_second": 2}
    await client.delete(f"{RULES}/{first['id']}", headers=connected.bearer)
    salary = by_name(await items(client, connected), "earnings", "Salary")
    assert salary["attributes"]["metadata"] == {"label": "second", "only_second": 2}


async def test_rules_apply_at_the_item_s_last_seen_pay_date(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    payments = await payments_of_2025(client, connected)
    pay_dates = sorted({p["pay_date"] for p in payments})
    early, late = pay_dates[2], pay_dates[3]
    rule = await create_rule(
        client, connected, rule_body("Salary", {"era": "early"}, effective_end_date=early)
    )

    # Over the whole year Salary was last seen on the last pay date: after the rule ended.
    assert by_name(await items(client, connected), "earnings", "Salary")["attributes"]["metadata"] is None
    # In a window ending on the rule's last day, it was last seen within the rule's dates.
    window = await items(client, connected, start_date=pay_dates[0], end_date=early)
    assert by_name(window, "earnings", "Salary")["attributes"]["metadata"] == {"era": "early"}

    await client.put(
        f"{RULES}/{rule['id']}",
        json={"effective_start_date": late, "effective_end_date": None},
        headers=connected.bearer,
    )
    assert by_name(await items(client, connected), "earnings", "Salary")["attributes"]["metadata"] == {
        "era": "early"
    }
    window = await items(client, connected, start_date=pay_dates[0], end_date=early)
    assert by_name(window, "earnings", "Salary")["attributes"]["metadata"] is None


async def test_rules_outlive_resyncs(
    client: httpx.AsyncClient, connected: Connected, runtime: Runtime
) -> None:
    await create_rule(client, connected, rule_body("Salary", {"label": "Base"}))
    await resync(runtime, connected.connection_id)
    assert len((await client.get(RULES, headers=connected.bearer)).json()["responses"]) == 1
    assert by_name(await items(client, connected), "earnings", "Salary")["attributes"]["metadata"] == {
        "label": "Base"
    }


# --- isolation ----------------------------------------------------------------------------------


async def test_another_application_can_never_see_or_change_a_rule(
    client: httpx.AsyncClient, connected: Connected, runtime: Runtime
) -> None:
    rule = await create_rule(client, connected, rule_body("Salary", {"secret": "ours"}))
    other_app = await make_application(runtime, redirect_uris=[REDIRECT])
    other = await connect_sandbox(client, other_app, customer_id="items")
    await run_jobs(runtime)

    assert (await client.get(RULES, headers=other.bearer)).json() == {"responses": []}
    for method, body in (("PUT", {"attributes": {"metadata": {"secret": "theirs"}}}), ("DELETE", None)):
        response = await client.request(method, f"{RULES}/{rule['id']}", json=body, headers=other.bearer)
        assert response.status_code == 404
    their_items = await items(client, other)
    assert all(i["attributes"]["metadata"] is None for i in their_items)
    # Their own rules stay theirs, numbered independently of ours.
    theirs = await create_rule(client, other, rule_body("Salary", {"secret": "theirs"}))
    assert theirs["priority"] == 1
    assert (await client.get(RULES, headers=connected.bearer)).json()["responses"] == [rule]
    assert by_name(await items(client, connected), "earnings", "Salary")["attributes"]["metadata"] == {
        "secret": "ours"
    }


async def test_rules_belong_to_one_connection(
    client: httpx.AsyncClient, connected: Connected, app_credentials: Credentials, runtime: Runtime
) -> None:
    rule = await create_rule(client, connected, rule_body("Salary", {"label": "Base"}))
    sibling = await connect_sandbox(client, app_credentials, customer_id="items-2")
    await run_jobs(runtime)
    assert (await client.get(RULES, headers=sibling.bearer)).json() == {"responses": []}
    response = await client.delete(f"{RULES}/{rule['id']}", headers=sibling.bearer)
    assert response.status_code == 404
    assert by_name(await items(client, sibling), "earnings", "Salary")["attributes"]["metadata"] is None


async def test_on_a_multi_entity_connection_rules_and_items_follow_entity_ids(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    multi = await connect_sandbox(
        client, app_credentials, customer_id="items-multi", password="account_selection"
    )
    await run_jobs(runtime)
    first, second = (
        e["id"] for e in (await client.get("/introspect", headers=multi.bearer)).json()["entities"]
    )
    for path in (ITEMS, RULES):
        response = await client.get(path, headers=multi.bearer)
        assert response.status_code == 400 and response.json()["name"] == "invalid_request_error"
    created = await client.post(
        RULES,
        params={"entity_ids[]": first},
        json=rule_body("Salary", {"entity": "first"}),
        headers=multi.bearer,
    )
    assert created.status_code == 201
    rule_id = created.json()["id"]
    mine = await client.get(RULES, params={"entity_ids": first}, headers=multi.bearer)
    assert [r["id"] for r in mine.json()["responses"]] == [rule_id]
    assert (await client.get(RULES, params={"entity_ids": second}, headers=multi.bearer)).json() == {
        "responses": []
    }
    wrong_entity = await client.delete(
        f"{RULES}/{rule_id}", params={"entity_ids": second}, headers=multi.bearer
    )
    assert wrong_entity.status_code == 404

    first_items = (await client.get(ITEMS, params={"entity_ids[]": first}, headers=multi.bearer)).json()
    second_items = (await client.get(ITEMS, params={"entity_ids[]": second}, headers=multi.bearer)).json()
    assert by_name(first_items["responses"], "earnings", "Salary")["attributes"]["metadata"] == {
        "entity": "first"
    }
    assert all(i["attributes"]["metadata"] is None for i in second_items["responses"])


async def test_pay_statement_lines_carry_the_metadata_of_matching_rules(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    payments = await payments_of_2025(client, connected)
    last = max(payments, key=lambda payment: payment["pay_date"])

    async def lines() -> list[tuple[str, str, dict[str, Any]]]:
        answer = await client.post(
            "/employer/pay-statement",
            json={"requests": [{"payment_id": last["id"], "limit": 5000}]},
            headers=connected.bearer,
        )
        assert answer.status_code == 200, answer.text
        (response,) = answer.json()["responses"]
        return [
            (category, line["name"], line["attributes"])
            for statement in response["body"]["pay_statements"]
            for category in CATEGORIES
            for line in statement[category]
        ]

    # Without rules every line has the attributes object, with empty metadata.
    before = await lines()
    assert before and all(attributes == {"metadata": {}} for _, _, attributes in before)
    assert any(name == "Salary" for _, name, _ in before)

    await create_rule(client, connected, rule_body("Salary", {"label": "Base Compensation"}))
    # A rule that ended before this payment's pay date does not apply to its lines.
    await create_rule(
        client, connected, rule_body("Medicare", {"era": "old"}, effective_end_date="2025-01-02")
    )
    after = await lines()
    assert [(category, name) for category, name, _ in after] == [(c, n) for c, n, _ in before]
    for category, name, attributes in after:
        expected = {"label": "Base Compensation"} if name == "Salary" else {}
        assert attributes == {"metadata": expected}, (category, name)
