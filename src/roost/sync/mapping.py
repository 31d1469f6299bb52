"""From adapter records (provider source ids) to Finch bodies (Roost ids)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Which id space each reference field points into.
_REFERENCE_KINDS = {
    "manager_source_id": "individual",
    "individual_source_id": "individual",
    "payment_source_id": "payment",
    "benefit_source_id": "benefit",
}
_LIST_REFERENCE_KINDS = {
    "individual_source_ids": ("individual_ids", "individual"),
    "pay_group_source_ids": ("pay_group_ids", "pay_group"),
}

IdLookup = Callable[[str, str], str]

# The id space of each record kind's own source id: a person is one id across kinds. Pay
# statements have no id of their own in Finch (they are a payment's, per individual), so none
# is minted for them: a year of statements would otherwise mean a mapping row per statement.
ID_SPACE = {
    "company": "company",
    "directory": "individual",
    "individual": "individual",
    "employment": "individual",
    "payment": "payment",
    "pay_group": "pay_group",
    "benefit": "benefit",
    "document": "document",
}


def finch_body(kind: str, wire: dict[str, Any], roost_id: IdLookup) -> dict[str, Any]:
    """Replace every ``*_source_id`` reference with the Roost id Finch clients see."""
    body: dict[str, Any] = {}
    for key, value in wire.items():
        if key == "entity_source_id":
            continue
        if key == "source_id":
            if kind not in ID_SPACE:
                continue
            body["benefit_id" if kind == "benefit" else "id"] = roost_id(ID_SPACE[kind], value)
            if kind == "employment":
                body["source_id"] = value  # Finch's Employment keeps the provider's own id
            continue
        if key == "manager_source_id":
            body["manager"] = {"id": roost_id("individual", value)} if value else None
        elif key in _REFERENCE_KINDS:
            body[key.removesuffix("_source_id") + "_id"] = (
                roost_id(_REFERENCE_KINDS[key], value) if value else None
            )
        elif key in _LIST_REFERENCE_KINDS:
            name, space = _LIST_REFERENCE_KINDS[key]
            body[name] = [roost_id(space, item) for item in value]
        else:
            body[key] = value
    return body
