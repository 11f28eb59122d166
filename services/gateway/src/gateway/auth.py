"""Bearer JWT authentication: every request is bound to its token's tenant.

The verification key is chosen from the *gateway's* configuration, never from the
token: HS256 tokens are checked only against the shared local secret, RS256/ES256
tokens only against the JWKS key their ``kid`` names, and that key must be of the
family the algorithm needs. So ``alg: none`` and algorithm confusion (an HS256 token
"signed" with a public RSA key) are rejected. ``exp``, ``iss``, ``aud``, ``sub`` and
``tenant`` are required; ``nbf`` is checked when present.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt

from gateway.errors import ApiError
from gateway.jwks import JwksCache
from gateway.token_cache import VerifiedTokens
from llmops.errors import DependencyUnavailable

ASYMMETRIC = {"RS256": "RSA", "ES256": "EC"}
"""Asymmetric algorithms accepted, with the JWK key type each must be verified with."""

REQUIRED_CLAIMS = ["exp", "iss", "aud", "sub", "tenant"]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    tenant: str
    subject: str
    scopes: frozenset[str]


class TokenVerifier:
    """Verify bearer tokens of one issuer and audience.

    Args:
        issuer: Required ``iss``.
        audience: Required ``aud``.
        secret: HS256 key of locally minted tokens; None disables HS256.
        jwks: The issuer's key set for RS256/ES256; None disables them.
        leeway_s: Clock skew tolerated on ``exp`` and ``nbf``.
        verified: Cache of tokens that verified (see ``token_cache``); None disables it.
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        secret: str | None = None,
        jwks: JwksCache | None = None,
        leeway_s: float = 5.0,
        verified: VerifiedTokens | None = None,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.secret = secret
        self.jwks = jwks
        self.leeway_s = leeway_s
        self.verified = verified
        self._jwks_generation = jwks.generation if jwks is not None else 0

    async def verify(self, authorization: str | None) -> Principal:
        """Return the principal of an ``Authorization: Bearer`` header.

        Raises:
            ApiError: 401 with the reason when the header or the token is invalid;
                503 when the key set cannot be fetched.
        """
        token = _bearer(authorization)
        if self.verified is not None:
            if self.jwks is not None and self.jwks.generation != self._jwks_generation:
                self.verified.clear()
                self._jwks_generation = self.jwks.generation
            cached = self.verified.get(token)
            if cached is not None:
                return cached
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _unauthorized(f"malformed token: {exc}") from exc
        algorithm = str(header.get("alg", ""))
        key = await self._key(algorithm, header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS},
                leeway=self.leeway_s,
            )
        except jwt.PyJWTError as exc:
            raise _unauthorized(f"invalid token: {exc}") from exc
        principal = _principal(claims)
        if self.verified is not None:
            self.verified.put(token, principal, claims["exp"])
        return principal

    async def _key(self, algorithm: str, kid: object) -> str | jwt.PyJWK:
        if algorithm == "HS256" and self.secret is not None:
            return self.secret
        if algorithm not in ASYMMETRIC or self.jwks is None:
            raise _unauthorized(f"token algorithm {algorithm or 'none'!r} is not accepted")
        if not isinstance(kid, str):
            raise _unauthorized("token has no key id (kid)")
        try:
            key = await self.jwks.key(kid)
        except DependencyUnavailable as exc:
            raise ApiError(
                503,
                "token keys unavailable, retry shortly",
                "api_error",
                "jwks_unavailable",
                headers={"Retry-After": "5"},
            ) from exc
        if key is None:
            raise _unauthorized(f"unknown key id {kid[:64]!r}")
        if key.key_type != ASYMMETRIC[algorithm]:
            raise _unauthorized(f"key {kid[:64]!r} cannot verify {algorithm}")
        return key


def _bearer(authorization: str | None) -> str:
    if not authorization or not authorization[:7].lower() == "bearer ":
        raise _unauthorized("missing bearer token", code="missing_token")
    return authorization[7:].strip()


def _principal(claims: dict[str, object]) -> Principal:
    """Principal of verified claims; scopes from ``scope`` (space-separated) or ``scp`` (a list)."""
    tenant, subject = claims["tenant"], claims["sub"]
    if not isinstance(tenant, str) or not tenant or not isinstance(subject, str) or not subject:
        raise _unauthorized("tenant and sub must be non-empty strings")
    raw = claims.get("scope", claims.get("scp", ""))
    scopes = raw.split() if isinstance(raw, str) else [str(s) for s in raw] if isinstance(raw, list) else []
    return Principal(tenant, subject, frozenset(scopes))


def _unauthorized(message: str, code: str = "invalid_token") -> ApiError:
    return ApiError(401, message, "invalid_request_error", code)


def require_scope(principal: Principal, *accepted: str) -> None:
    """Raise 403 unless the caller holds one of ``accepted``."""
    if principal.scopes.isdisjoint(accepted):
        raise ApiError(
            403,
            f"token lacks the scope this endpoint needs (one of: {', '.join(accepted)})",
            "permission_error",
            "insufficient_scope",
        )
