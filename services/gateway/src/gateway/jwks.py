"""A cached JSON Web Key Set, fetched from the identity provider's JWKS URL.

Keys are looked up by ``kid``. The set is refetched when its TTL expires or when a
token names a ``kid`` the cache does not know (the provider rotated its keys), but at
most once per ``min_refresh_s`` so a flood of forged ``kid`` values cannot turn the
gateway into a load generator against the provider.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import aiohttp
import jwt

from llmops.errors import DependencyUnavailable

log = logging.getLogger(__name__)


class JwksCache:
    """Signing keys of the token issuer, by ``kid``.

    Args:
        url: The issuer's JWKS URL.
        ttl_s: How long a fetched key set is trusted before it is refetched.
        min_refresh_s: Smallest interval between two fetches.
        timeout_s: Deadline of one fetch.
    """

    def __init__(
        self, url: str, ttl_s: float = 300.0, min_refresh_s: float = 5.0, timeout_s: float = 3.0
    ) -> None:
        self.url = url
        self.ttl_s = ttl_s
        self.min_refresh_s = min_refresh_s
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        self.generation = 0
        self._fingerprint = ""
        """Incremented each time a key set is fetched; caches of verified tokens compare it."""

    async def key(self, kid: str) -> jwt.PyJWK | None:
        """The key named ``kid``, refreshing the set when it is stale or lacks it.

        Raises:
            DependencyUnavailable: The JWKS URL could not be read and no cached key fits.
        """
        if self._fresh() and kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            if kid not in self._keys or not self._fresh():
                await self._refresh()
        return self._keys.get(kid)

    def _fresh(self) -> bool:
        return time.monotonic() - self._fetched_at < self.ttl_s

    async def _refresh(self) -> None:
        if time.monotonic() - self._fetched_at < self.min_refresh_s:
            return
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.get(self.url) as answer,
            ):
                answer.raise_for_status()
                document: dict[str, Any] = await answer.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            if self._keys:
                log.warning("JWKS refresh failed; keeping the cached keys", extra={"error": str(exc)})
                return
            raise DependencyUnavailable("jwks", self.url, str(exc)) from exc
        fingerprint = json.dumps(document.get("keys"), sort_keys=True, default=str)
        if fingerprint != self._fingerprint:
            self.generation += 1
            self._fingerprint = fingerprint
        self._keys = _parse(document)
        self._fetched_at = time.monotonic()


def _parse(document: dict[str, Any]) -> dict[str, jwt.PyJWK]:
    """Signing keys of a JWKS document by ``kid``; keys that are unusable or lack a kid are skipped."""
    keys: dict[str, jwt.PyJWK] = {}
    for entry in document.get("keys", []):
        if not isinstance(entry, dict) or "kid" not in entry or entry.get("use", "sig") != "sig":
            continue
        try:
            keys[str(entry["kid"])] = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            log.warning("unusable JWKS key skipped", extra={"kid": str(entry["kid"])})
    return keys
