"""What a connection's provider lets an application write: Finch's ``benefits_support``.

The catalogue entry of the connection's provider and auth method (reference §7; the SDK's
``BenefitsSupport``) maps each benefit type to its ``supported_features`` and its
``supported_operations``. A request for an operation the provider does not support answers
``501 not_implemented_error``; a benefit type, frequency or enrollment setting the provider
does not offer answers ``422 unprocessable_request_error`` / ``unsupported_parameters``
(reference §12), naming the field, before any job is queued.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from roost.core.errors import FinchError
from roost.hris.benefit_writes.schemas import EnrollmentIn
from roost.providers.records import BenefitFrequency

Operation = Literal["create", "register", "update", "enroll", "unenroll"]
OPERATIONS: tuple[Operation, ...] = ("create", "register", "update", "enroll", "unenroll")

# Each write and the entry of `supported_operations` that governs it. Registering only tells
# Roost about a benefit the employer already has, so it needs the benefit to be readable;
# enrolling overwrites an enrollment, which Finch's matrix calls `create`.
_GOVERNED_BY: dict[Operation, tuple[str, str]] = {
    "create": ("company_benefits", "create"),
    "register": ("company_benefits", "read"),
    "update": ("company_benefits", "update"),
    "enroll": ("individual_benefits", "create"),
    "unenroll": ("individual_benefits", "delete"),
}
_WHAT: dict[Operation, str] = {
    "create": "creating benefits",
    "register": "registering benefits",
    "update": "updating benefits",
    "enroll": "enrolling individuals",
    "unenroll": "unenrolling individuals",
}


def unsupported(message: str, *fields: str) -> FinchError:
    return FinchError(
        422,
        "unprocessable_request_error",
        message,
        finch_code="unsupported_parameters",
        context={"fields": list(fields)},
    )


@dataclass(frozen=True)
class BenefitSupport:
    provider: str
    # Finch's `benefits_support` of the connection's auth method; None: no benefits at all.
    types: Mapping[str, Any] | None

    def require(self, operation: Operation, benefit_type: str | None) -> Mapping[str, Any]:
        """The benefit type's ``supported_features``, once ``operation`` is known to be allowed."""
        if not self.types:
            raise FinchError(
                501, "not_implemented_error", f"{self.provider} does not support benefits through Roost"
            )
        entry = self.types.get(benefit_type or "")
        if not entry:
            raise unsupported(f"{self.provider} does not support {benefit_type!r} benefits", "type")
        group, verb = _GOVERNED_BY[operation]
        state = ((entry.get("supported_operations") or {}).get(group) or {}).get(verb)
        if state != "supported":
            raise FinchError(
                501,
                "not_implemented_error",
                f"{self.provider} does not support {_WHAT[operation]} for {benefit_type} benefits"
                f" ({state or 'not_supported'})",
            )
        return dict(entry.get("supported_features") or {})


def require_frequency(
    support: BenefitSupport, features: Mapping[str, Any], frequency: BenefitFrequency
) -> None:
    frequencies = features.get("frequencies") or []
    if frequency not in frequencies:
        raise unsupported(
            f"{support.provider} does not offer the {frequency!r} frequency for this benefit type;"
            f" it offers {', '.join(map(str, frequencies)) or 'none'}",
            "frequency",
        )


def require_company_match(support: BenefitSupport, features: Mapping[str, Any]) -> None:
    if "tiered" not in (features.get("company_contribution") or []):
        raise unsupported(
            f"{support.provider} does not support a company match for this benefit type",
            "company_contribution",
        )


def require_configuration(
    support: BenefitSupport, features: Mapping[str, Any], index: int, enrollment: EnrollmentIn
) -> None:
    """Each setting of one enrollment must be one the provider offers for the benefit type."""
    config = enrollment.configuration
    checks: list[tuple[str, bool]] = [
        (
            "employee_deduction.type",
            config.employee_deduction is None
            or config.employee_deduction.type in (features.get("employee_deduction") or []),
        ),
        (
            "company_contribution.type",
            config.company_contribution is None
            or config.company_contribution.type in (features.get("company_contribution") or []),
        ),
        ("annual_maximum", config.annual_maximum is None or bool(features.get("annual_maximum"))),
        ("catch_up", not config.catch_up or bool(features.get("catch_up"))),
        (
            "annual_contribution_limit",
            config.annual_contribution_limit is None
            or config.annual_contribution_limit in (features.get("hsa_contribution_limit") or []),
        ),
    ]
    for name, allowed in checks:
        if not allowed:
            field = f"{index}.configuration.{name}"
            raise unsupported(
                f"{field}: {support.provider} does not support this for this benefit type", field
            )
