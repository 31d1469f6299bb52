"""The sandbox's benefit writer and the edits it keeps, without I/O."""

from __future__ import annotations

import datetime as dt

from roost.core.clock import FakeClock
from roost.providers.catalogue import AuthMethodDefinition, ProviderDefinition
from roost.providers.contract import ProviderAccount
from roost.providers.records import (
    BenefitAmount,
    BenefitEnrollment,
    CompanyBenefit,
    MatchTier,
    TieredMatch,
    to_wire,
)
from roost.providers.sandbox.adapter import FinchSandboxAdapter
from roost.providers.sandbox.benefit_edits import BenefitEdits, edited_benefits, edited_enrollments
from roost.providers.sandbox.generator import CompanySpec, SandboxCompany

STAND_IN = ProviderDefinition(
    id="stand_in",
    display_name="Stand-in",
    products=("benefits",),
    authentication_methods=(AuthMethodDefinition("credential"),),
)
ACCOUNT = ProviderAccount(credentials={"seed": 41, "employee_size": 6}, entities=())
COMMUTER = CompanyBenefit(
    source_id="roost-benefit-x", type="commuter", description="Transit", frequency="every_paycheck"
)


def _enrollment(person: str, benefit: str, amount: int) -> BenefitEnrollment:
    return BenefitEnrollment(
        individual_source_id=person,
        benefit_source_id=benefit,
        employee_deduction=BenefitAmount(type="fixed", amount=amount),
        company_contribution=TieredMatch(tiers=()),
    )


async def test_the_adapter_writer_creates_updates_enrolls_and_unenrolls() -> None:
    writer = FinchSandboxAdapter(STAND_IN, FakeClock()).benefit_writer(ACCOUNT, None)
    assert (await writer.create_benefit(COMMUTER)).message == "Benefit created"
    assert (await writer.create_benefit(COMMUTER)).message == "Benefit already exists"
    assert (await writer.update_benefit("ben-401k", "Retirement")).ok
    assert (await writer.update_benefit("nope", "x")).finch_code == "benefit_not_found"
    enrolled = await writer.enroll(COMMUTER.source_id, [_enrollment("emp-000001", COMMUTER.source_id, 9000)])
    unknown = await writer.enroll(COMMUTER.source_id, [_enrollment("emp-999999", COMMUTER.source_id, 1)])
    assert enrolled[0].ok and unknown[0].finch_code == "individual_not_found"
    removed = await writer.unenroll(COMMUTER.source_id, ["emp-000001", "emp-000001", "emp-000002"])
    assert [o.code for o in removed] == [200, 404, 404]
    assert removed[1].finch_code == "enrollment_not_found"


def test_edits_survive_json_and_change_what_is_read() -> None:
    company = SandboxCompany(CompanySpec(seed=41, employee_size=6, today=dt.date(2026, 1, 1)))
    generated_401k = list(company.enrollments("ben-401k"))
    # `second` is someone the generator did not enroll.
    first, second = generated_401k[0].individual_source_id, "emp-900001"
    written_enrollment = {
        "individual_source_id": second,
        "benefit_source_id": "ben-401k",
        "employee_deduction": {"type": "percent", "amount": 500},
        "company_contribution": {"type": "tiered", "tiers": [{"match": 10000, "threshold": 300}]},
        "annual_maximum": None,
        "catch_up": False,
        "hsa_contribution_limit": None,
    }
    edits = BenefitEdits(
        added={COMMUTER.source_id: to_wire(COMMUTER)},
        patches={"ben-401k": {"description": "Retirement"}},
        enrollments={"ben-401k": {first: None, second: written_enrollment}},
    )
    restored = BenefitEdits.from_json(edits.to_json())
    benefits = {b.source_id: b for b in edited_benefits(company.benefits(), restored)}
    assert benefits["ben-401k"].description == "Retirement" and benefits["ben-401k"].company_contribution
    assert benefits[COMMUTER.source_id] == COMMUTER
    people = [e.individual_source_id for e in edited_enrollments(generated_401k, restored, "ben-401k")]
    assert first not in people and people[-1] == second
    written = next(
        e
        for e in edited_enrollments(generated_401k, restored, "ben-401k")
        if e.individual_source_id == second
    )
    assert written.company_contribution == TieredMatch(tiers=(MatchTier(match=10_000, threshold=300),))
    assert written.employee_deduction == BenefitAmount(type="percent", amount=500)
    assert not BenefitEdits() and restored
