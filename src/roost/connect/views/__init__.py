"""Roost Connect's HTML views, one module per part of the flow."""

from fastapi import APIRouter

from roost.connect.views import finish, pages, steps

router = APIRouter(include_in_schema=False)
router.include_router(pages.router)
router.include_router(steps.router)
router.include_router(finish.router)
