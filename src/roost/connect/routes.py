"""``/connect/sessions``: the JSON API an application calls to start Roost Connect."""

from __future__ import annotations

from fastapi import APIRouter

from roost.auth.dependencies import BasicApplication
from roost.connect import service
from roost.connect.schemas import SessionCreate, SessionCreated, SessionReauthenticate, SessionStatus
from roost.core.dependencies import RuntimeDep

router = APIRouter(tags=["connect"])


@router.post("/connect/sessions", status_code=201, response_model=SessionCreated)
async def create_connect_session(
    body: SessionCreate, application: BasicApplication, runtime: RuntimeDep
) -> SessionCreated:
    return await service.create_session(runtime, application, body)


@router.post("/connect/sessions/reauthenticate", status_code=201, response_model=SessionCreated)
async def create_reauthentication_session(
    body: SessionReauthenticate, application: BasicApplication, runtime: RuntimeDep
) -> SessionCreated:
    return await service.reauthenticate(runtime, application, body)


@router.get("/connect/sessions/{session_id}", response_model=SessionStatus)
async def get_connect_session(
    session_id: str, application: BasicApplication, runtime: RuntimeDep
) -> SessionStatus:
    """Roost's addition: poll a session when the browser callback was lost."""
    return await service.session_status(runtime, application, session_id)
