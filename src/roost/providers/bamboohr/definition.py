"""BambooHR's API-key catalogue entry (``bamboo_hr_api``), declared by the adapter that serves it.

BambooHR's public API has no payroll runs, pay statements or pay groups to read, and its
benefit plans carry no per-paycheck amounts (see :mod:`roost.providers.bamboohr.reader`), so
the adapter declares the organisation products only; the conformance kit holds it to that.
"""

from __future__ import annotations

from roost.providers.definitions import provider_definition

__all__ = ["DEFINITION"]

DEFINITION = provider_definition(
    "bamboo_hr_api",
    "BambooHR (API)",
    "#73c41d",
    ("company", "directory", "individual", "employment"),
    ("api_token",),
    key_instructions="In BambooHR, click your name in the top-right corner and "
    "choose API Keys, then Add New Key.",
    unsupported=(
        # company_information has names, an address and a phone: no EIN, email, entity type or
        # bank accounts; the department list is flat.
        "company.ein",
        "company.primary_email",
        "company.entity",
        "company.accounts",
        "company.departments.parent",
        # An employee's location is a named office without an address; class codes and custom
        # fields are not read.
        "employment.class_code",
        "employment.custom_fields",
        "employment.location",
    ),
    aliases=("Bamboo",),
)
