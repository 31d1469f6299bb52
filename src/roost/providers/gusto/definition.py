"""Gusto's catalogue entry, declared by the adapter that serves it.

``products`` lists exactly what :class:`~roost.providers.gusto.reader.GustoReader` reads;
the conformance kit checks that each one reads over HTTP and that every other product raises
``NotSupported``, and that each supported field arrives filled in. Gusto offers company
benefits and employee forms too, but this adapter does not map them yet, so it does not
claim ``benefits`` or ``documents``.
"""

from __future__ import annotations

from roost.providers.definitions import provider_definition

__all__ = ["DEFINITION"]

DEFINITION = provider_definition(
    "gusto",
    "Gusto",
    "#f45d48",
    ("company", "directory", "individual", "employment", "payment", "pay_statement"),
    ("oauth",),
    unsupported=(
        # Bank accounts are outside the App Integrations scopes; departments are flat.
        "company.accounts",
        "company.departments.parent",
        "employment.class_code",
        # Gusto's employee object has no gender or ethnicity, and its ``ssn`` is always "".
        "individual.gender",
        "individual.ethnicity",
        "individual.ssn",
    ),
    aliases=("ZenPayroll",),
)
