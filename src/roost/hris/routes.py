"""The ``/employer/*`` API, one module per product family."""

from fastapi import APIRouter

from roost.hris import benefits, documents, organization, payroll
from roost.hris.pay_statement_items import routes as pay_statement_items

router = APIRouter()
router.include_router(organization.router)
router.include_router(payroll.router)
router.include_router(benefits.router)
router.include_router(documents.router)
router.include_router(pay_statement_items.router)
