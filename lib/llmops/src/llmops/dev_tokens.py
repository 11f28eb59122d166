"""Development tokens: HS256 JWTs the local gateway accepts (``llmops token``).

Only for local use: the gateway refuses its development secret outside
``ENVIRONMENT=local``, so a token minted with it is worthless in production.
"""

from __future__ import annotations

import time

import jwt

DEV_SECRET = "dev-only-insecure-secret-change-me"
DEV_ISSUER = "llmops-local"
DEV_AUDIENCE = "llmops-gateway"


def mint_token(
    tenant: str,
    subject: str = "dev-user",
    scopes: tuple[str, ...] = ("chat",),
    ttl_s: int = 3600,
    secret: str = DEV_SECRET,
    issuer: str = DEV_ISSUER,
    audience: str = DEV_AUDIENCE,
) -> str:
    """Return a signed HS256 token for ``tenant`` valid for ``ttl_s`` seconds."""
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "tenant": tenant,
        "scope": " ".join(scopes),
        "iat": now,
        "nbf": now,
        "exp": now + ttl_s,
    }
    return jwt.encode(claims, secret, algorithm="HS256")
