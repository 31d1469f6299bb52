"""W-4 documents (reference §8 Documents, beta)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from roost.core.dependencies import RuntimeDep
from roost.core.errors import not_found
from roost.hris import store
from roost.hris.access import DocumentsScope, query_list
from roost.hris.responses import json_response

router = APIRouter(prefix="/employer/documents", tags=["documents"])


@router.get("")
async def list_documents(
    request: Request,
    context: DocumentsScope,
    runtime: RuntimeDep,
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    people, types = set(query_list(request, "individual_ids")), set(query_list(request, "types"))
    async with runtime.database.reading_statements() as runner:
        documents = [json.loads(body) for body in await store.every(runner, context, "document")]
    chosen = [
        d
        for d in documents
        if (not people or d["individual_id"] in people) and (not types or d["type"] in types)
    ]
    base = runtime.settings.public_url.rstrip("/")
    window = chosen[offset : offset + limit if limit else None]
    listed = [
        {
            "id": d["id"],
            "individual_id": d["individual_id"],
            "type": d["type"],
            "url": f"{base}/employer/documents/{d['id']}",
            "year": d["year"],
        }
        for d in window
    ]
    return json_response({"documents": listed, "paging": {"count": len(chosen), "offset": offset}}, context)


@router.get("/{document_id}")
async def get_document(document_id: str, context: DocumentsScope, runtime: RuntimeDep) -> Response:
    async with runtime.database.reading_statements() as runner:
        found = await store.by_ids(runner, context, "document", [document_id])
    if document_id not in found:
        raise not_found(f"No document {document_id!r}")
    document = json.loads(found[document_id])
    data = {"individual_id": document["individual_id"], **document.get("data", {})}
    return json_response({"type": document["type"], "year": document["year"], "data": data}, context)
