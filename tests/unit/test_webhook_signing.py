"""Webhook signatures, verified by the official SDK's own ``unwrap`` and ``verify_signature``."""

from __future__ import annotations

import base64
import json
import time

import pytest
from finch import Finch
from finch.types import DirectoryEvent

from roost.webhooks import signing
from roost.webhooks.delivery import encode_body
from roost.webhooks.service import event_payload

CONNECTION = "4ab15e51-11ad-49f4-acae-f343b7794375"


def _sdk(secret: str) -> Finch:
    # No request is made: the client only carries the webhook secret.
    return Finch(access_token="unused", webhook_secret=secret, base_url="http://127.0.0.1:9")


def _delivery(secret: str, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    body = encode_body(event_payload(CONNECTION, "directory.created", {"individual_id": "ind-1"}, None))
    stamp = int(time.time()) if timestamp is None else timestamp
    return body, signing.signature_headers(secret, "evt_123", stamp, body)


def test_a_new_secret_is_base64_of_32_random_bytes() -> None:
    first, second = signing.new_secret(), signing.new_secret()
    assert len(base64.b64decode(first, validate=True)) == 32
    assert first != second


def test_the_sdk_unwraps_a_signed_delivery_into_a_typed_event() -> None:
    secret = signing.new_secret()
    body, headers = _delivery(secret)
    with _sdk(secret) as sdk:
        event = sdk.webhooks.unwrap(body, headers)
        sdk.webhooks.unwrap(body.decode(), {key.lower(): value for key, value in headers.items()})
    assert event.event_type == "directory.created"
    assert event.connection_id == event.company_id == event.account_id == CONNECTION
    assert isinstance(event, DirectoryEvent)
    assert event.data is not None and event.data.individual_id == "ind-1"


def test_the_signature_is_the_documented_hmac() -> None:
    secret = base64.b64encode(b"k" * 32).decode()
    expected = "v1,NkAx0/p34dWWxtuJ6vao2bPQb2Gzk47c6dHc7phbMxA="
    assert signing.sign(secret, "msg_1", 1688737757, b'{"a":1}') == expected


def test_a_tampered_body_or_header_is_rejected() -> None:
    secret = signing.new_secret()
    body, headers = _delivery(secret)
    tampered = json.loads(body)
    tampered["connection_id"] = "someone-else"
    with _sdk(secret) as sdk:
        with pytest.raises(ValueError, match="signatures match"):
            sdk.webhooks.verify_signature(json.dumps(tampered), headers)
        with pytest.raises(ValueError, match="signatures match"):
            sdk.webhooks.verify_signature(body, {**headers, "Finch-Event-Id": "evt_other"})
        with pytest.raises(ValueError, match="signatures match"):
            sdk.webhooks.verify_signature(body, headers, secret=signing.new_secret())


@pytest.mark.parametrize(("skew", "accepted"), [(-290, True), (290, True), (-310, False), (310, False)])
def test_the_sdk_tolerates_five_minutes_of_clock_skew(skew: int, accepted: bool) -> None:
    secret = signing.new_secret()
    body, headers = _delivery(secret, int(time.time()) + skew)
    with _sdk(secret) as sdk:
        if accepted:
            sdk.webhooks.verify_signature(body, headers)
        else:
            with pytest.raises(ValueError, match=r"too (old|new)"):
                sdk.webhooks.verify_signature(body, headers)
