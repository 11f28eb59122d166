"""TokenVerifier, the HS256 half of the auth matrix: only well-formed tokens of this issuer
and audience get through (the JWKS half is in ``test_auth_jwks.py``).

Every rejection is a 401 with a ``WWW-Authenticate: Bearer`` challenge, whatever went wrong.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.auth import Principal, TokenVerifier, require_scope
from gateway.errors import ApiError
from gateway.token_cache import VerifiedTokens

SECRET = "test-secret-for-the-gateway-unit-tests-0123456789"
ISSUER = "llmops-test"
AUDIENCE = "llmops-gateway-test"
OTHER_SECRET = "another-secret-for-the-gateway-unit-tests-9876543210"

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PUBLIC_PEM = RSA_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def now() -> int:
    return int(time.time())


def claims(**changes: Any) -> dict[str, Any]:
    """Valid claims with ``changes`` applied; a value of None removes the claim."""
    issued = now()
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-17",
        "tenant": "acme",
        "scope": "chat models:read",
        "iat": issued,
        "nbf": issued,
        "exp": issued + 600,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def hs256(payload: dict[str, Any], secret: str = SECRET) -> str:
    return jwt.encode(payload, secret, algorithm="HS256")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(payload: dict[str, Any]) -> str:
    """An ``alg: none`` token: header and payload, empty signature."""
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(payload).encode())}."


def hmac_with_public_key(payload: dict[str, Any]) -> str:
    """The classic algorithm-confusion token: HS256 keyed with the RSA public key."""
    signing_input = (
        f"{_b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{_b64(json.dumps(payload).encode())}"
    )
    signature = hmac.new(RSA_PUBLIC_PEM, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def bearer(token: str) -> str:
    return f"Bearer {token}"


@pytest.fixture(params=["uncached", "cached"])
def verifier(request: pytest.FixtureRequest) -> TokenVerifier:
    """Every case runs with and without the verified-token cache: it must change no verdict."""
    verified = VerifiedTokens() if request.param == "cached" else None
    return TokenVerifier(ISSUER, AUDIENCE, secret=SECRET, verified=verified)


# Tokens are built when a test runs, not at collection, so their times are current.
ACCEPTED: list[tuple[str, Callable[[], str]]] = [
    ("valid", lambda: bearer(hs256(claims()))),
    ("lower-case-scheme", lambda: f"bearer {hs256(claims())}"),
    ("extra-whitespace", lambda: f"Bearer   {hs256(claims())}  "),
    ("expired-within-leeway", lambda: bearer(hs256(claims(exp=now() - 2)))),
]

INVALID_TOKENS: list[tuple[str, Callable[[], str], str]] = [
    # (case, token behind "Bearer ", part of the reason given)
    ("expired", lambda: hs256(claims(exp=now() - 60)), "Signature has expired"),
    ("not-yet-valid", lambda: hs256(claims(nbf=now() + 60)), "not yet valid"),
    ("wrong-audience", lambda: hs256(claims(aud="another-service")), "Audience doesn't match"),
    ("wrong-issuer", lambda: hs256(claims(iss="https://evil.example")), "Invalid issuer"),
    ("bad-signature", lambda: hs256(claims(), secret=OTHER_SECRET), "Signature verification failed"),
    ("tampered-payload", lambda: _tamper(hs256(claims())), "Signature verification failed"),
    ("alg-none", lambda: unsigned(claims()), "'none' is not accepted"),
    (
        "rs256-without-jwks",
        lambda: jwt.encode(claims(), RSA_KEY, algorithm="RS256"),
        "'RS256' is not accepted",
    ),
    ("hs512", lambda: jwt.encode(claims(), SECRET, algorithm="HS512"), "'HS512' is not accepted"),
    ("hs256-keyed-with-public-key", lambda: hmac_with_public_key(claims()), "Signature verification failed"),
    ("missing-tenant", lambda: hs256(claims(tenant=None)), 'missing the "tenant" claim'),
    ("missing-subject", lambda: hs256(claims(sub=None)), 'missing the "sub" claim'),
    ("missing-exp", lambda: hs256(claims(exp=None)), 'missing the "exp" claim'),
    ("missing-iss", lambda: hs256(claims(iss=None)), 'missing the "iss" claim'),
    ("missing-aud", lambda: hs256(claims(aud=None)), 'missing the "aud" claim'),
    ("garbage", lambda: "not.a.jwt", "malformed token"),
    ("empty", lambda: "", "malformed token"),
    ("empty-tenant", lambda: hs256(claims(tenant="")), "non-empty"),
]

MISSING_BEARER: list[tuple[str, Callable[[], str | None]]] = [
    ("missing-header", lambda: None),
    ("empty-header", lambda: ""),
    ("basic-scheme", lambda: "Basic dXNlcjpwYXNz"),
    ("token-without-scheme", lambda: hs256(claims())),
    ("scheme-glued-to-token", lambda: f"Bearer{hs256(claims())}"),
]


def _tamper(token: str) -> str:
    """Swap the payload of a signed token for another tenant's, keeping the signature."""
    header, _, signature = token.split(".")
    forged = _b64(json.dumps(claims(tenant="someone-else")).encode())
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize(("name", "authorization"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
async def test_valid_token_yields_its_principal(
    verifier: TokenVerifier, name: str, authorization: Callable[[], str]
) -> None:
    assert await verifier.verify(authorization()) == Principal(
        tenant="acme", subject="user-17", scopes=frozenset({"chat", "models:read"})
    )


async def test_token_without_scope_has_no_scopes(verifier: TokenVerifier) -> None:
    principal = await verifier.verify(bearer(hs256(claims(scope=None))))

    assert principal.scopes == frozenset()


@pytest.mark.parametrize(("name", "token", "reason"), INVALID_TOKENS, ids=[t[0] for t in INVALID_TOKENS])
async def test_invalid_token_is_401_with_a_bearer_challenge(
    verifier: TokenVerifier, name: str, token: Callable[[], str], reason: str
) -> None:
    with pytest.raises(ApiError) as caught:
        await verifier.verify(bearer(token()))

    _assert_unauthorized(caught.value, "invalid_token")
    assert reason in caught.value.message


@pytest.mark.parametrize(("name", "authorization"), MISSING_BEARER, ids=[m[0] for m in MISSING_BEARER])
async def test_missing_bearer_token_is_401_with_a_bearer_challenge(
    verifier: TokenVerifier, name: str, authorization: Callable[[], str | None]
) -> None:
    with pytest.raises(ApiError) as caught:
        await verifier.verify(authorization())

    _assert_unauthorized(caught.value, "missing_token")


async def test_scopes_may_come_as_an_scp_list(verifier: TokenVerifier) -> None:
    principal = await verifier.verify(bearer(hs256(claims(scope=None, scp=["chat", "admin"]))))

    assert principal.scopes == frozenset({"chat", "admin"})


def test_missing_scope_is_403() -> None:
    caller = Principal("acme", "user-17", frozenset({"models:read"}))
    require_scope(caller, "models:read", "chat")
    with pytest.raises(ApiError) as caught:
        require_scope(caller, "chat")
    assert (caught.value.status, caught.value.code) == (403, "insufficient_scope")


async def test_hs256_is_refused_when_no_secret_is_configured() -> None:
    with pytest.raises(ApiError) as caught:
        await TokenVerifier(ISSUER, AUDIENCE).verify(bearer(hs256(claims())))
    _assert_unauthorized(caught.value, "invalid_token")


def _assert_unauthorized(error: ApiError, code: str) -> None:
    assert error.status == 401
    assert error.code == code
    assert error.type == "invalid_request_error"
    assert error.headers["WWW-Authenticate"].startswith("Bearer ")
    assert f'error_description="{code}"' in error.headers["WWW-Authenticate"]


def count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every signature check ``gateway.auth`` makes."""
    calls: list[str] = []
    real = jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr("gateway.auth.jwt.decode", counting)
    return calls


async def test_a_reused_token_is_verified_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_decodes(monkeypatch)
    check = TokenVerifier(ISSUER, AUDIENCE, secret=SECRET, verified=VerifiedTokens())
    token = bearer(hs256(claims()))
    principals = {await check.verify(token) for _ in range(5)}
    assert principals == {Principal("acme", "user-17", frozenset({"chat", "models:read"}))}
    assert len(calls) == 1


async def test_a_token_accepted_only_by_leeway_is_rechecked_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its ``exp`` has passed, so the cache must not serve it even once."""
    calls = count_decodes(monkeypatch)
    check = TokenVerifier(ISSUER, AUDIENCE, secret=SECRET, verified=VerifiedTokens())
    token = bearer(hs256(claims(exp=now() - 2)))
    for _ in range(3):
        await check.verify(token)
    assert len(calls) == 3


async def test_a_rejected_token_is_never_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_decodes(monkeypatch)
    cache = VerifiedTokens()
    check = TokenVerifier(ISSUER, AUDIENCE, secret=SECRET, verified=cache)
    forged = bearer(hs256(claims(), secret=OTHER_SECRET))
    for _ in range(2):
        with pytest.raises(ApiError):
            await check.verify(forged)
    assert (len(calls), len(cache)) == (2, 0)
