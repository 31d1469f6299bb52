"""The baseline for bench/connect_sessions.py: FastAPI parsing the same body, doing nothing else."""

from __future__ import annotations

from fastapi import FastAPI

from roost.connect.schemas import SessionCreate, SessionCreated

app = FastAPI()


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/connect/sessions", status_code=201, response_model=SessionCreated)
async def create(body: SessionCreate) -> SessionCreated:
    return SessionCreated(
        session_id="00000000-0000-4000-8000-000000000000", connect_url="http://127.0.0.1/authorize?session=x"
    )
