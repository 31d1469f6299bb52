"""Sandbox records re-dressed as Paychex Flex API objects (developer.paychex.com).

Shapes follow the public Paychex REST API: collections wrap rows as
``{"metadata": {"contentItemCount", "pagination": {...}}, "content": [...], "links": [...]}``;
ids are 20-character upper-case strings (``99Z5V9BTI8J2FCGESC05`` in Paychex's paging docs);
workers carry ``name{givenName,...}``, ``currentStatus{statusType}``, ``legalId`` and, under
the ``workers_communications`` profile, ``communications[]``. Enum spellings not shown in the
public docs are marked (unconfirmed) in the adapter's mapping.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from roost.providers.records import Company, Employment, Individual, Location

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STATUS_TYPES = {"terminated": "TERMINATED", "leave": "LEAVE", "onboarding": "IN_PROGRESS"}
EMPLOYMENT_TYPES = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "intern": "PART_TIME",
    "temp": "PART_TIME",
}
EMPLOYMENT_TYPES["seasonal"] = "PART_TIME"
ETHNICITY_CODES = {
    "white": "WHITE_NOT_OF_HISPANIC_ORIGIN",
    "black_or_african_american": "BLACK_NOT_OF_HISPANIC_ORIGIN",
    "hispanic_or_latino": "HISPANIC",
    "asian": "ASIAN_OR_PACIFIC_ISLANDER",
    "native_hawaiian_or_pacific_islander": "NATIVE_HAWAIIAN_OR_OTHER_PACIFIC_ISLAND",
    "american_indian_or_alaska_native": "AMERICAN_INDIAN_OR_ALASKAN_NATIVE",
    "two_or_more_races": "TWO_OR_MORE_RACES",
}


def paychex_id(seed: int, source_id: str) -> str:
    digest = hashlib.sha256(f"{seed}/{source_id}".encode()).digest()
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:20])


def collection(
    rows: list[dict[str, Any]], offset: int | None, limit: int | None, total: int
) -> dict[str, Any]:
    body: dict[str, Any] = {"metadata": {"contentItemCount": len(rows)}, "content": rows, "links": []}
    if offset is not None and limit is not None:
        body["metadata"]["pagination"] = {"offset": offset, "limit": limit, "itemCount": total}
    return body


def _address(location: Location, usage: str) -> dict[str, Any]:
    return {
        "type": "STREET_ADDRESS",
        "usageType": usage,
        "streetLineOne": location.line1,
        "streetLineTwo": location.line2,
        "city": location.city,
        "countrySubdivisionCode": location.state,
        "postalCode": location.postal_code,
        "countryCode": location.country,
    }


def company(seed: int, record: Company) -> dict[str, Any]:
    return {
        "companyId": paychex_id(seed, record.source_id),
        "displayId": str(seed % 100_000_000).zfill(8),
        "legalName": record.legal_name,
        "legalId": {"legalIdType": "FEIN", "legalIdValue": (record.ein or "").replace("-", "")},
        "communications": [_address(loc, "BUSINESS") for loc in record.locations[:1]],
    }


def organizations(seed: int, record: Company) -> list[dict[str, Any]]:
    return [
        {"organizationId": paychex_id(seed, f"org/{d.name}"), "name": d.name, "number": str(index + 1)}
        for index, d in enumerate(record.departments)
    ]


def _communications(individual: Individual) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"type": "EMAIL", "usageType": "BUSINESS" if e.type == "work" else "PERSONAL", "uri": e.data}
        for e in individual.emails
    ]
    for number in individual.phone_numbers:
        digits = number.data.removeprefix("+1")
        rows.append(
            {
                "type": "MOBILE_PHONE",
                "usageType": "BUSINESS" if number.type == "work" else "PERSONAL",
                "dialCountry": "1",
                "dialArea": digits[:3],
                "dialNumber": digits[3:],
            }
        )
    if individual.residence is not None:
        rows.append(_address(individual.residence, "PERSONAL"))
    return rows


def worker(seed: int, individual: Individual, employment: Employment, communications: bool) -> dict[str, Any]:
    kind = employment.employment
    contractor = kind is not None and kind.type == "contractor"
    shaped: dict[str, Any] = {
        "workerId": paychex_id(seed, individual.source_id),
        "employeeId": individual.source_id.rsplit("-", 1)[-1].lstrip("0") or "0",
        "workerType": "CONTRACTOR" if contractor else "EMPLOYEE",
        "employmentType": EMPLOYMENT_TYPES.get(kind.subtype or "") if kind and not contractor else None,
        "exemptionType": {"exempt": "EXEMPT", "non_exempt": "NON_EXEMPT"}.get(employment.flsa_status or ""),
        "birthDate": f"{individual.dob.isoformat()}T00:00:00Z" if individual.dob else None,
        "sex": {"male": "MALE", "female": "FEMALE"}.get(individual.gender or ""),
        "ethnicityCode": ETHNICITY_CODES.get(individual.ethnicity or ""),
        "hireDate": f"{employment.start_date.isoformat()}T00:00:00Z" if employment.start_date else None,
        "name": {
            "givenName": individual.first_name,
            "middleName": individual.middle_name,
            "familyName": individual.last_name,
            "preferredName": individual.preferred_name,
        },
        "legalId": {"legalIdType": "SSN", "legalIdValue": (individual.ssn or "").replace("-", "")},
        "currentStatus": {
            "statusType": STATUS_TYPES.get(employment.employment_status or "", "ACTIVE"),
            "effectiveDate": f"{employment.end_date.isoformat()}T00:00:00Z" if employment.end_date else None,
        },
        "job": {"title": employment.title},
        "organization": {"name": employment.department.name} if employment.department else None,
        "supervisor": {"workerId": paychex_id(seed, employment.manager_source_id)}
        if employment.manager_source_id
        else None,
    }
    if communications:
        shaped["communications"] = _communications(individual)
    return shaped


def compensation_rates(seed: int, employment: Employment) -> list[dict[str, Any]]:
    return [
        {
            "rateId": paychex_id(seed, f"{employment.source_id}/rate/{index}"),
            "rateType": "HOURLY" if income.unit == "hourly" else "SALARY",
            "amount": f"{Decimal(income.amount or 0) / 100:.2f}",
            "effectiveDate": f"{income.effective_date.isoformat()}T00:00:00Z"
            if income.effective_date
            else None,
        }
        for index, income in enumerate(employment.income_history)
    ]
