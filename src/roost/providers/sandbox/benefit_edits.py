"""Benefit writes to a sandbox company: the edits, how they change what a sync reads, and the
writer that makes them (reference §8 "Benefits"; the adapter contract's ``BenefitWriter``).

The generated plans and elections stay as the generator made them; ``BenefitEdits`` records
what applications wrote on top, as JSON in the records' own field names, keyed by source id:

- ``added``: benefits created or registered through the API (``CompanyBenefit`` wire dicts);
- ``patches``: changed fields of generated benefits (only ``description`` can change);
- ``enrollments``: per benefit, per individual, the enrollment written (an overwrite), or
  ``None`` for someone unenrolled.

Pay statements keep the generated elections: an enrollment written here changes the
enrollment record, not past or future paychecks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from roost.providers.contract import WriteOutcome
from roost.providers.records import (
    BenefitAmount,
    BenefitEnrollment,
    CompanyBenefit,
    CompanyMatch,
    HsaContributionLimit,
    MatchTier,
    TieredMatch,
    to_wire,
)

__all__ = [
    "BenefitEdits",
    "SandboxBenefitWriter",
    "edited_benefits",
    "edited_enrollments",
]

Wire = dict[str, Any]


@dataclass
class BenefitEdits:
    added: dict[str, Wire] = field(default_factory=dict)
    patches: dict[str, Wire] = field(default_factory=dict)
    enrollments: dict[str, dict[str, Wire | None]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> BenefitEdits:
        data = data or {}
        return cls(
            added={k: dict(v) for k, v in data.get("added", {}).items()},
            patches={k: dict(v) for k, v in data.get("patches", {}).items()},
            enrollments={k: dict(v) for k, v in data.get("enrollments", {}).items()},
        )

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "patches": self.patches, "enrollments": self.enrollments}

    def __bool__(self) -> bool:
        return bool(self.added or self.patches or self.enrollments)


def _match(tiers: Iterable[Mapping[str, Any]]) -> tuple[MatchTier, ...]:
    return tuple(MatchTier(match=int(t["match"]), threshold=int(t["threshold"])) for t in tiers)


def benefit_from_wire(wire: Mapping[str, Any]) -> CompanyBenefit:
    contribution = wire.get("company_contribution")
    return CompanyBenefit(
        source_id=str(wire["source_id"]),
        type=wire.get("type"),
        description=wire.get("description"),
        frequency=wire.get("frequency"),
        company_contribution=CompanyMatch(tiers=_match(contribution["tiers"])) if contribution else None,
    )


def enrollment_from_wire(wire: Mapping[str, Any]) -> BenefitEnrollment:
    # Written by hand: the company contribution is a union the generic decoder cannot tell apart.
    deduction = wire.get("employee_deduction")
    contribution = wire.get("company_contribution")
    company: BenefitAmount | TieredMatch | None = None
    if contribution and contribution["type"] == "tiered":
        company = TieredMatch(tiers=_match(contribution["tiers"]))
    elif contribution:
        company = BenefitAmount(type=contribution["type"], amount=int(contribution["amount"]))
    return BenefitEnrollment(
        individual_source_id=str(wire["individual_source_id"]),
        benefit_source_id=str(wire["benefit_source_id"]),
        employee_deduction=(
            BenefitAmount(type=deduction["type"], amount=int(deduction["amount"])) if deduction else None
        ),
        company_contribution=company,
        annual_maximum=wire.get("annual_maximum"),
        catch_up=wire.get("catch_up"),
        hsa_contribution_limit=cast(HsaContributionLimit | None, wire.get("hsa_contribution_limit")),
    )


def edited_benefits(generated: Iterable[CompanyBenefit], edits: BenefitEdits) -> list[CompanyBenefit]:
    """The company's benefits: the generated ones as edited, then the added ones."""
    benefits = []
    for benefit in generated:
        patch = edits.patches.get(benefit.source_id)
        benefits.append(benefit_from_wire({**to_wire(benefit), **patch}) if patch else benefit)
    return benefits + [benefit_from_wire(wire) for wire in edits.added.values()]


def edited_enrollments(
    generated: Iterable[BenefitEnrollment], edits: BenefitEdits, benefit_source_id: str
) -> Iterator[BenefitEnrollment]:
    """One benefit's enrollments: generated ones replaced or removed in place, new ones last."""
    written = edits.enrollments.get(benefit_source_id, {})
    seen = set()
    for enrollment in generated:
        seen.add(enrollment.individual_source_id)
        if enrollment.individual_source_id not in written:
            yield enrollment
        elif (wire := written[enrollment.individual_source_id]) is not None:
            yield enrollment_from_wire(wire)
    for individual, wire in written.items():
        if wire is not None and individual not in seen:
            yield enrollment_from_wire(wire)


_CREATED = WriteOutcome(200, "Benefit created")
_BENEFIT_NOT_FOUND = WriteOutcome(
    404, "The provider has no such benefit", "not_found_error", "benefit_not_found"
)
_INDIVIDUAL_NOT_FOUND = WriteOutcome(
    404, "No such individual in this company", "not_found_error", "individual_not_found"
)
_NOT_ENROLLED = WriteOutcome(404, "Not enrolled in this benefit", "not_found_error", "enrollment_not_found")


class SandboxBenefitWriter:
    """A :class:`~roost.providers.contract.BenefitWriter` over a sandbox company and its edits.

    ``benefits`` and ``enrollments`` read the company with ``edits`` applied (so they see each
    write at once); ``is_individual`` says whether a source id is a person of the company. The
    writer changes ``edits`` in place; whoever owns them keeps them (Roost stores them in the
    connection's sandbox overlay).
    """

    def __init__(
        self,
        edits: BenefitEdits,
        benefits: Callable[[], list[CompanyBenefit]],
        enrollments: Callable[[str], Iterable[BenefitEnrollment]],
        is_individual: Callable[[str], bool],
    ) -> None:
        self.edits = edits
        self._benefits = benefits
        self._enrollments = enrollments
        self._is_individual = is_individual

    def _find(self, source_id: str) -> CompanyBenefit | None:
        return next((b for b in self._benefits() if b.source_id == source_id), None)

    async def create_benefit(self, benefit: CompanyBenefit) -> WriteOutcome:
        if self._find(benefit.source_id) is not None:
            # reference §8: create is idempotent on (type, frequency, description).
            return WriteOutcome(200, "Benefit already exists")
        self.edits.added[benefit.source_id] = to_wire(benefit)
        return _CREATED

    async def register_benefit(self, benefit: CompanyBenefit) -> WriteOutcome:
        if self._find(benefit.source_id) is None:
            self.edits.added[benefit.source_id] = to_wire(benefit)
        return WriteOutcome(200, "Benefit registered")

    async def update_benefit(self, benefit_source_id: str, description: str) -> WriteOutcome:
        if self._find(benefit_source_id) is None:
            return _BENEFIT_NOT_FOUND
        if benefit_source_id in self.edits.added:
            self.edits.added[benefit_source_id] = {
                **self.edits.added[benefit_source_id],
                "description": description,
            }
        else:
            self.edits.patches[benefit_source_id] = {
                **self.edits.patches.get(benefit_source_id, {}),
                "description": description,
            }
        return WriteOutcome(200, "Benefit updated")

    async def enroll(
        self, benefit_source_id: str, enrollments: Sequence[BenefitEnrollment]
    ) -> list[WriteOutcome]:
        if self._find(benefit_source_id) is None:
            return [_BENEFIT_NOT_FOUND] * len(enrollments)
        written = self.edits.enrollments.setdefault(benefit_source_id, {})
        outcomes = []
        for enrollment in enrollments:
            if not self._is_individual(enrollment.individual_source_id):
                outcomes.append(_INDIVIDUAL_NOT_FOUND)
                continue
            written[enrollment.individual_source_id] = to_wire(enrollment)
            outcomes.append(WriteOutcome(200, "Enrolled"))
        return outcomes

    async def unenroll(
        self, benefit_source_id: str, individual_source_ids: Sequence[str]
    ) -> list[WriteOutcome]:
        if self._find(benefit_source_id) is None:
            return [_BENEFIT_NOT_FOUND] * len(individual_source_ids)
        enrolled = {e.individual_source_id for e in self._enrollments(benefit_source_id)}
        written = self.edits.enrollments.setdefault(benefit_source_id, {})
        outcomes = []
        for individual in individual_source_ids:
            if not self._is_individual(individual):
                outcomes.append(_INDIVIDUAL_NOT_FOUND)
            elif individual not in enrolled:
                outcomes.append(_NOT_ENROLLED)
            else:
                written[individual] = None
                enrolled.discard(individual)
                outcomes.append(WriteOutcome(200, "Unenrolled"))
        return outcomes
