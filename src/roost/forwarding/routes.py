"""``POST /forward`` (reference §5)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from roost.auth.dependencies import BearerToken
from roost.core.dependencies import RuntimeDep
from roost.forwarding import service
from roost.forwarding.schemas import ForwardRequest

router = APIRouter(tags=["forward"])


@router.post("/forward")
async def forward(body: ForwardRequest, token: BearerToken, runtime: RuntimeDep) -> dict[str, Any]:
    forwarded = await service.forward(runtime, token, body)
    return forwarded.model_dump(by_alias=True)
