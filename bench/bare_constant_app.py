"""The baseline for bench/employer_directory.py: FastAPI returning a constant JSON body."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response

BODY = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
app = FastAPI()


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/employer/directory")
async def directory() -> Response:
    return Response(BODY, media_type="application/json")
