"""FastAPI dependencies shared by every feature's routes."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from roost.core.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
