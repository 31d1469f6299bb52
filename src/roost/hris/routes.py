"""The ``/employer/*`` API, one module per product family."""

from fastapi import APIRouter

from roost.hris import benefits, documents, organization, payroll

router = APIRouter()
router.include_router(organization.router)
router.include_router(payroll.router)
router.include_router(benefits.router)
router.include_router(documents.router)
