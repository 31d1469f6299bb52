"""Our query parse agrees with Starlette's, which the FastAPI routes use."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from roost.core.query import query_value, query_values

QUERIES = [
    b"",
    b"limit=100&offset=200",
    b"a=1&a=2&a=3",
    b"b=&c",
    b"name=%20spaced+out%C3%A9",
    b"entity%5Fids=e1&entity_ids[]=e2&entity_ids%5B%5D=e3",
    b"k=a,b&k=c",
    b"broken=%zz&=empty_key&&x=1",
]


@pytest.mark.parametrize("query_string", QUERIES)
def test_values_match_starlette(query_string: bytes) -> None:
    request = Request({"type": "http", "query_string": query_string, "headers": []})
    expected = request.query_params
    for name in {*expected.keys(), "missing", "a", "entity_ids", "entity_ids[]"}:
        scope = {"type": "http", "query_string": query_string}
        assert query_values(scope, name) == expected.getlist(name)
        assert query_value(scope, name) == expected.get(name)
