"""A short-lived, in-process cache of verified client credentials.

Every Basic-authenticated request would otherwise spend a database round trip on the
application row. Entries are keyed by the client id and the HMAC digest of the presented
secret, so only a secret that verified is ever served from here; a wrong secret always goes
to the database. Changes made through this process (rotation, redirect URIs, origins) drop
the entry at once; changes made by another process are seen within ``ttl_seconds``
(``ROOST_CREDENTIAL_CACHE_SECONDS``, 0 disables the cache).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from roost.applications.principal import ApplicationPrincipal


class CredentialCache:
    def __init__(
        self, ttl_seconds: float, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], tuple[float, ApplicationPrincipal]] = OrderedDict()

    def get(self, client_id: str, secret_digest: str) -> ApplicationPrincipal | None:
        entry = self._entries.get((client_id, secret_digest))
        if entry is None:
            return None
        expires, principal = entry
        if expires < self._clock():
            del self._entries[(client_id, secret_digest)]
            return None
        return principal

    def put(self, secret_digest: str, principal: ApplicationPrincipal) -> None:
        if self.ttl_seconds <= 0:
            return
        self._entries[(principal.client_id, secret_digest)] = (self._clock() + self.ttl_seconds, principal)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, client_id: str) -> None:
        for key in [key for key in self._entries if key[0] == client_id]:
            del self._entries[key]
