"""Secrets: known key formats, assignments to secret-like names, entropy; placeholders and digests are not."""

from __future__ import annotations

import base64

import pytest

from guardrails.scanner import Action, ScanContext
from guardrails.scanners.secrets import SecretScanner, shannon_entropy

CTX = ScanContext()
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq4nGm0Q0d1\n-----END RSA PRIVATE KEY-----"

SECRETS = [
    ("en", "my key is AKIAZ7VQ3XK2LM4NP5RT, why 403?", "AKIAZ7VQ3XK2LM4NP5RT"),
    ("en", "token ghp_R2d2C3po4Luke5Leia6Han7Solo8Chewie9Y", "ghp_R2d2C3po4Luke5Leia6Han7Solo8Chewie9Y"),
    (
        "it",
        "Il token Slack è xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    ),
    ("es", f"Mi JWT: {JWT}", JWT),
    ("pt", f"A chave privada:\n{PEM}", PEM),
    ("de", "Stripe-Schlüssel sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("fr", "clé Google AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
    ("en", "password = Tr0ub4dor&3x!", "Tr0ub4dor&3x!"),
    ("it", "la password è: Qz8!vR2#kL9m", "Qz8!vR2#kL9m"),
    ("es", "contraseña: N0v1embre#2025", "N0v1embre#2025"),
    ("pt", "senha: p4ssW0rd_Fort3", "p4ssW0rd_Fort3"),
    ("de", "Passwort: Sommer2025!Xy", "Sommer2025!Xy"),
    ("fr", "mot de passe : Ch@t0n-Bleu7", "Ch@t0n-Bleu7"),
    (
        "en",
        "use 9sK2pQ7vXa4LmN8rT1wZ3yB6cD5eF0gHjKqRsUv to authenticate",
        "9sK2pQ7vXa4LmN8rT1wZ3yB6cD5eF0gHjKqRsUv",
    ),
    (
        "en",
        "DATABASE_URL=postgres://app:s3cr3tP4ss@db.internal:5432/app",
        "postgres://app:s3cr3tP4ss@db.internal:5432/app",
    ),
]
NOT_SECRETS = [
    ("en", "Set api_key=YOUR_API_KEY in the config"),
    ("en", 'export OPENAI_API_KEY="<your-key-here>"'),
    ("en", "token=$GITHUB_TOKEN is read from the environment"),
    ("en", "The commit 9fceb02d0ae598e95dc970b74767f19372d61af8 broke it"),
    ("en", "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("it", "Come ruoto la mia chiave API AWS in sicurezza?"),
    ("es", "¿Qué es un JWT y cómo se valida la firma?"),
    ("pt", "Onde guardo a senha do banco de dados? Uso SUA_SENHA_AQUI no exemplo."),
    ("de", "Das Passwort muss mindestens 12 Zeichen haben."),
    ("fr", "Le mot de passe : ******** a été masqué."),
    ("en", "request id 123e4567-e89b-12d3-a456-426614174000"),
    ("en", "the path /usr/local/lib/python3.11/site-packages/requests/adapters.py"),
    ("en", "Decode: " + base64.b64encode(b"the quick brown fox jumps over the lazy dog").decode()),
]


@pytest.mark.parametrize(("lang", "text", "expected"), SECRETS)
def test_secret_positives(lang: str, text: str, expected: str) -> None:
    result = SecretScanner().scan(text, CTX)

    assert [text[s.start : s.end] for s in result.spans] == [expected]
    assert result.action is Action.REDACT
    assert result.category == "secret"


@pytest.mark.parametrize(("lang", "text"), NOT_SECRETS)
def test_secret_negatives(lang: str, text: str) -> None:
    assert not SecretScanner().scan(text, CTX).found


def test_entropy_of_repeats_is_zero_and_of_distinct_symbols_is_their_log() -> None:
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == 2.0
