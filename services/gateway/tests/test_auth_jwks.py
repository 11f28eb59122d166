"""The JWKS half of the auth matrix: RS256/ES256 against a real JWKS server on a free port.

Covers: both algorithms, an unknown ``kid`` (refetched once: key rotation works, a
forged kid is refused), algorithm confusion in both directions (HS256 keyed with the
RSA public key; RS256 header naming an EC key), and an unreachable JWKS URL (503).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.auth import TokenVerifier
from gateway.errors import ApiError
from gateway.jwks import JwksCache
from gateway.token_cache import VerifiedTokens
from llmops.localstack.ports import free_port

ISSUER = "https://idp.example"
AUDIENCE = "llmops-gateway"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
ROTATED_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(private_key: Any, kid: str) -> dict[str, Any]:
    algorithm = (
        jwt.algorithms.RSAAlgorithm
        if isinstance(private_key, rsa.RSAPrivateKey)
        else jwt.algorithms.ECAlgorithm
    )
    entry: dict[str, Any] = json.loads(algorithm.to_jwk(private_key.public_key()))
    return {**entry, "kid": kid, "use": "sig"}


@dataclass
class JwksServer:
    """Serves ``keys`` as a JWKS document and counts fetches."""

    keys: list[dict[str, Any]] = field(default_factory=list)
    fetches: int = 0
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.fetches += 1
        return web.json_response({"keys": self.keys})


@pytest.fixture
async def jwks() -> AsyncIterator[JwksServer]:
    server = JwksServer(keys=[jwk(RSA_KEY, "rsa-1"), jwk(EC_KEY, "ec-1")])
    app = web.Application()
    app.router.add_get("/.well-known/jwks.json", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    server.url = f"http://127.0.0.1:{port}/.well-known/jwks.json"
    try:
        yield server
    finally:
        await runner.cleanup()


def verifier(url: str, secret: str | None = None) -> TokenVerifier:
    return TokenVerifier(
        ISSUER, AUDIENCE, secret=secret, jwks=JwksCache(url, min_refresh_s=0.0), verified=VerifiedTokens()
    )


def claims(**changes: Any) -> dict[str, Any]:
    issued = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "svc-9",
        "tenant": "globex",
        "scope": "chat",
        "iat": issued,
        "nbf": issued,
        "exp": issued + 600,
    }
    return {**base, **changes}


def sign(key: Any, algorithm: str, kid: str, **changes: Any) -> str:
    return "Bearer " + jwt.encode(claims(**changes), key, algorithm=algorithm, headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_keyed_with_public_key(kid: str) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    signing_input = f"{header}.{_b64(json.dumps(claims()).encode())}"
    pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return f"Bearer {signing_input}.{_b64(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"


@pytest.mark.parametrize(
    ("key", "algorithm", "kid"), [(RSA_KEY, "RS256", "rsa-1"), (EC_KEY, "ES256", "ec-1")]
)
async def test_asymmetric_tokens_verify_against_the_jwks(
    jwks: JwksServer, key: Any, algorithm: str, kid: str
) -> None:
    principal = await verifier(jwks.url).verify(sign(key, algorithm, kid))
    assert (principal.tenant, principal.subject, principal.scopes) == ("globex", "svc-9", frozenset({"chat"}))


async def test_keys_are_cached_between_requests(jwks: JwksServer) -> None:
    check = verifier(jwks.url)
    for _ in range(5):
        await check.verify(sign(RSA_KEY, "RS256", "rsa-1"))
    assert jwks.fetches == 1


async def test_unknown_kid_refetches_the_set_so_rotated_keys_work(jwks: JwksServer) -> None:
    check = verifier(jwks.url)
    await check.verify(sign(RSA_KEY, "RS256", "rsa-1"))
    jwks.keys.append(jwk(ROTATED_KEY, "rsa-2"))
    principal = await check.verify(sign(ROTATED_KEY, "RS256", "rsa-2"))
    assert principal.tenant == "globex"
    assert jwks.fetches == 2


async def test_a_key_dropped_from_the_set_stops_honouring_its_cached_tokens(jwks: JwksServer) -> None:
    """Rotation: once a refetch shows ``rsa-1`` is gone, tokens it signed are refused again."""
    check = verifier(jwks.url)
    old_token = sign(RSA_KEY, "RS256", "rsa-1")
    await check.verify(old_token)
    jwks.keys = [jwk(ROTATED_KEY, "rsa-2")]
    await check.verify(sign(ROTATED_KEY, "RS256", "rsa-2"))  # unknown kid: the set is refetched
    with pytest.raises(ApiError) as caught:
        await check.verify(old_token)
    assert (caught.value.status, "unknown key id" in caught.value.message) == (401, True)


@pytest.mark.parametrize(
    ("case", "authorization", "reason"),
    [
        ("unknown-kid", lambda: sign(ROTATED_KEY, "RS256", "never-published"), "unknown key id"),
        ("no-kid", lambda: "Bearer " + jwt.encode(claims(), RSA_KEY, algorithm="RS256"), "no key id"),
        ("rs256-header-naming-an-ec-key", lambda: sign(RSA_KEY, "RS256", "ec-1"), "cannot verify RS256"),
        (
            "hs256-keyed-with-public-key",
            lambda: hs256_keyed_with_public_key("rsa-1"),
            "'HS256' is not accepted",
        ),
        (
            "signed-by-another-key",
            lambda: sign(ROTATED_KEY, "RS256", "rsa-1"),
            "Signature verification failed",
        ),
        ("expired", lambda: sign(RSA_KEY, "RS256", "rsa-1", exp=int(time.time()) - 60), "expired"),
        (
            "not-yet-valid",
            lambda: sign(RSA_KEY, "RS256", "rsa-1", nbf=int(time.time()) + 60),
            "not yet valid",
        ),
        ("wrong-audience", lambda: sign(EC_KEY, "ES256", "ec-1", aud="other"), "Audience"),
        ("wrong-issuer", lambda: sign(EC_KEY, "ES256", "ec-1", iss="https://evil.example"), "issuer"),
    ],
)
async def test_rejected_jwks_tokens_are_401(
    jwks: JwksServer, case: str, authorization: Any, reason: str
) -> None:
    with pytest.raises(ApiError) as caught:
        await verifier(jwks.url).verify(authorization())
    assert caught.value.status == 401
    assert reason in caught.value.message
    assert caught.value.headers["WWW-Authenticate"].startswith("Bearer ")


async def test_hs256_confusion_fails_even_with_a_local_secret_configured(jwks: JwksServer) -> None:
    with pytest.raises(ApiError) as caught:
        await verifier(jwks.url, secret="local-secret-" + "x" * 40).verify(
            hs256_keyed_with_public_key("rsa-1")
        )
    assert caught.value.status == 401
    assert "Signature verification failed" in caught.value.message


async def test_a_flood_of_forged_kids_fetches_the_set_at_most_once_per_interval(jwks: JwksServer) -> None:
    check = TokenVerifier(ISSUER, AUDIENCE, jwks=JwksCache(jwks.url, min_refresh_s=60.0))
    await check.verify(sign(RSA_KEY, "RS256", "rsa-1"))
    for n in range(10):
        with pytest.raises(ApiError):
            await check.verify(sign(RSA_KEY, "RS256", f"forged-{n}"))
    assert jwks.fetches == 1


async def test_unreachable_jwks_is_503_not_401() -> None:
    with pytest.raises(ApiError) as caught:
        await verifier(f"http://127.0.0.1:{free_port()}/jwks").verify(sign(RSA_KEY, "RS256", "rsa-1"))
    assert (caught.value.status, caught.value.code) == (503, "jwks_unavailable")
