"""W-4 documents: the form each employee filed, from the same choices that drive withholding."""

from __future__ import annotations

from roost.providers.records import W4Data2005, W4Data2020, W4Document
from roost.providers.sandbox.taxes import CHILD_CREDIT, OTHER_DEPENDENT_CREDIT
from roost.providers.sandbox.workforce import Worker

__all__ = ["w4_document"]


def w4_document(worker: Worker) -> W4Document | None:
    """The employee's W-4, or None for contractors (who file a W-9 instead)."""
    w4 = worker.w4
    if w4 is None:
        return None
    data: W4Data2020 | W4Data2005
    if w4.form == "w4_2020":
        children, others = w4.children * CHILD_CREDIT, w4.other_dependents * OTHER_DEPENDENT_CREDIT
        data = W4Data2020(
            filing_status=w4.filing_2020,
            amount_for_qualifying_children_under_17=children,
            amount_for_other_dependents=others,
            total_claim_dependent_and_other_credits=children + others,
            other_income=w4.other_income,
            deductions=w4.deductions,
            extra_withholding=w4.extra_withholding,
        )
    else:
        data = W4Data2005(
            filing_status=w4.filing_2005,
            exemption="exempt" if w4.exempt else "non_exempt",
            total_number_of_allowances=w4.allowances,
            additional_withholding=w4.extra_withholding,
        )
    return W4Document(
        source_id=f"doc-{worker.employee_index + 1:06d}",
        individual_source_id=worker.source_id,
        type=w4.form,
        year=w4.year,
        data=data,
    )
