"""Bearer JWT authentication: every request is bound to its token's tenant.

Tokens are verified with an explicit algorithm list (never the token's own ``alg``),
so ``alg: none`` and algorithm-confusion tokens are rejected; ``exp``, ``iss``, ``aud``
and the platform's claims (``tenant``, ``sub``) are required.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt

from gateway.errors import ApiError


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    tenant: str
    subject: str
    scopes: frozenset[str]


class TokenVerifier:
    """Verify HS256 tokens minted for local use.

    Args:
        secret: Shared HS256 key.
        issuer: Required ``iss``.
        audience: Required ``aud``.
    """

    def __init__(self, secret: str, issuer: str, audience: str) -> None:
        self.secret = secret
        self.issuer = issuer
        self.audience = audience

    def verify(self, authorization: str | None) -> Principal:
        """Return the principal of an ``Authorization: Bearer`` header.

        Raises:
            ApiError: 401 with the reason when the header or the token is invalid.
        """
        if not authorization or not authorization.lower().startswith("bearer "):
            raise ApiError(401, "missing bearer token", "invalid_request_error", "missing_token")
        token = authorization[7:].strip()
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=["HS256"],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "sub", "tenant"]},
                leeway=5,
            )
        except jwt.PyJWTError as exc:
            raise ApiError(401, f"invalid token: {exc}", "invalid_request_error", "invalid_token") from exc
        scopes = claims.get("scope", "")
        return Principal(str(claims["tenant"]), str(claims["sub"]), frozenset(str(scopes).split()))
