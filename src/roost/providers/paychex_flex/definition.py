"""Paychex Flex's catalogue entry, declared by the adapter that serves it.

Every Paychex Flex sign-in asks for a verification code, so ``mfa_required`` is set. The
adapter reads the company, its workers and their pay rates — not checks, pay periods or
benefits — so it declares the organisation products only; the conformance kit holds it to
that. Assisted setup needs no adapter call: the employer invites Roost's operator.
"""

from __future__ import annotations

from roost.providers.definitions import provider_definition

__all__ = ["DEFINITION"]

DEFINITION = provider_definition(
    "paychex_flex",
    "Paychex Flex",
    "#004b8d",
    ("company", "directory", "individual", "employment"),
    ("credential", "assisted"),
    unsupported=(
        # The company resource carries its legal name, EIN, addresses and organizations only.
        "company.primary_email",
        "company.primary_phone_number",
        "company.entity",
        "company.accounts",
        "company.departments.parent",
        # Workers carry no class code, custom fields or work address.
        "employment.class_code",
        "employment.custom_fields",
        "employment.location",
    ),
    aliases=("Paychex",),
    mfa_required=True,
)
