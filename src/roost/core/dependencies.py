"""FastAPI dependencies shared by every feature's routes."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from roost.core.runtime import Runtime


async def get_runtime(request: Request) -> Runtime:
    # async on purpose: FastAPI runs a sync dependency on a worker thread, a costly hop.
    return cast(Runtime, request.app.state.runtime)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
