"""Redis key layout of the gateway.

Every key of a tenant carries the tenant in a hash tag (``{tenant}``), so one
tenant's keys live in one Redis Cluster slot and a Lua script may touch them all;
a request record's key includes its tenant, so one tenant cannot name another's.
"""

from __future__ import annotations

PREFIX = "llmops:gw"
DAY_MS = 86_400_000


def request_record(tenant: str, request_id: str) -> str:
    """Hash of one request: state, reservation, kind and (once settled) its result."""
    return f"{PREFIX}:{{{tenant}}}:req:{request_id}"


def idempotency(tenant: str, key: str) -> str:
    """The request id first admitted under an ``Idempotency-Key``."""
    return f"{PREFIX}:{{{tenant}}}:idem:{key}"


def daily_requests(tenant: str, day: int) -> str:
    """Requests admitted on UTC day ``day`` (days since the epoch)."""
    return f"{PREFIX}:{{{tenant}}}:day:{day}:requests"


def daily_tokens(tenant: str, day: int) -> str:
    """Tokens reserved or used on UTC day ``day``."""
    return f"{PREFIX}:{{{tenant}}}:day:{day}:tokens"


def rate_bucket(tenant: str, what: str) -> str:
    """Token bucket of a per-minute limit (``rpm`` or ``tpm``)."""
    return f"{PREFIX}:{{{tenant}}}:bucket:{what}"


def reply_lease(topic: str, partition: int) -> str:
    """Lease naming the replica that owns a reply partition."""
    return f"{PREFIX}:lease:{topic}:{partition}"


def day_of(epoch_ms: int) -> int:
    """UTC day number of a timestamp."""
    return epoch_ms // DAY_MS


def reply_offset(topic: str, partition: int) -> str:
    """Next offset to read on a reply partition (everything before it is settled)."""
    return f"{PREFIX}:reply-offset:{topic}:{partition}"
