"""Principals of recently verified bearer tokens, so a client reusing its token skips the signature check.

Verifying a JWT signature was the largest single cost of an admitted request (17% of the
gateway's CPU in the benchmark profile), and clients send the same token for minutes. A
token that verified once maps to its principal until the earliest of its own ``exp`` and
``max_age_s`` after the check: never longer than the token itself is valid, and a key
removed from the identity provider's set stops being honoured at most ``max_age_s`` later
than without the cache (the verifier empties the cache whenever its JWKS key set changes).

Only tokens that verified are remembered, so forged or expired tokens cannot fill the
cache; it is bounded anyway and evicts the least recently used entry first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.auth import Principal


class VerifiedTokens:
    """A bounded LRU map of token -> principal with per-entry expiry (wall-clock seconds).

    Args:
        max_entries: Most tokens remembered; 0 disables the cache.
        max_age_s: Longest an entry is trusted after its verification.
        clock: Wall-clock seconds (``exp`` is wall-clock time too).
    """

    def __init__(
        self, max_entries: int = 10_000, max_age_s: float = 60.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self._clock = clock
        self._entries: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def get(self, token: str) -> Principal | None:
        """The principal ``token`` verified to, if it did so recently and has not expired."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        principal, valid_until = entry
        if self._clock() >= valid_until:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return principal

    def put(self, token: str, principal: Principal, expires_at: object) -> None:
        """Remember a token that just verified; ``expires_at`` is its ``exp`` claim.

        A non-numeric ``exp`` (which verification would not have let through) is not cached.
        """
        if self.max_entries <= 0 or not isinstance(expires_at, int | float):
            return
        valid_until = min(float(expires_at), self._clock() + self.max_age_s)
        self._entries[token] = (principal, valid_until)
        self._entries.move_to_end(token)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every token (the key set changed)."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
