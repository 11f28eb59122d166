"""Secrets: cloud and SaaS key formats, JWTs, PEM private keys, and high-entropy tokens.

Known formats match on their fixed prefixes and lengths. A token of unknown format counts
only when it is long, mixes character classes, has high Shannon entropy and is not a
placeholder (``YOUR_API_KEY``, ``xxxx``, ``<token>``) or a bare hex digest (a commit or
checksum people paste freely).
"""

# ruff: noqa: E501  (pattern alternations read best one language per line)

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter

from guardrails.anchored import AnchoredPattern
from guardrails.keywords import register
from guardrails.scanner import Action, TextView
from guardrails.scanners.base import SpanScanner

_KNOWN = AnchoredPattern(
    re.compile(
        r"(?<![A-Za-z0-9])(?:"
        r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{16}"  # AWS access key ids
        r"|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}"  # GitHub
        r"|glpat-[A-Za-z0-9_-]{20,}"  # GitLab
        r"|xox[abposr]-(?:\d+-)+[A-Za-z0-9-]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{20,}"  # Slack tokens
        r"|https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"  # Slack webhooks
        r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,}"  # Stripe
        r"|AIza[0-9A-Za-z_-]{35}|ya29\.[0-9A-Za-z_-]{20,}"  # Google
        r"|sk-(?:proj-|ant-(?:api\d\d-)?|svcacct-)?[A-Za-z0-9_-]{32,}"  # OpenAI, Anthropic
        r"|hf_[A-Za-z0-9]{34,}|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,}"  # Hugging Face, npm, PyPI
        r"|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}|dop_v1_[a-f0-9]{64}|shpat_[a-fA-F0-9]{32}"  # SendGrid, DO, Shopify
        r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWT
        r"|-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)"
        r"|(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqp)://[^\s:/@]+:[^\s@/]{3,}@[^\s]+"  # URLs with passwords
        r")"
    )
)
_ASSIGNED = re.compile(
    r"(?i:(?:secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|password|passwd|pwd|auth|"
    r"credential|chiave|clave|chave|schlüssel|schluessel|passwort|contraseña|senha|mot de passe|jeton|"
    r"segreto|secreto|segredo|geheimnis)[\w-]{0,20}[\"']?\s*(?:(?:\bis|\bè|\bes|\bé|\bist|\best|\bwas|\blautet|\bera|\bsarà)\b\s*[:=]?|[:=]|=>)\s*[\"']?)"
    r"([A-Za-z0-9+/_\-.~!$%^&*#@]{6,})"
)
# Fixed parts of the known formats: the big regex runs only when one of them occurs.
_KNOWN_MARKERS = (
    "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "APKA", "ghp_", "gho_", "ghu_", "ghs_",
    "ghr_", "github_pat_", "glpat-", "xox", "xapp-", "hooks.slack", "_live_", "_test_", "whsec_", "AIza", "ya29.",
    "sk-", "hf_", "npm_", "pypi-", "SG.", "dop_v1_", "shpat_", "eyJ", "-----BEGIN", "://",
)  # fmt: skip
_SECRET_WORDS = (
    "secret", "token", "key", "password", "passwd", "pwd", "auth", "credential", "chiave", "clave", "chave",
    "schlüssel", "schluessel", "passwort", "contraseña", "senha", "mot de passe", "jeton", "segreto", "secreto",
    "segredo", "geheimnis",
)  # fmt: skip
KNOWN_FORMAT = register("secret:format", [m.lower() for m in _KNOWN_MARKERS])
SECRET_NAME = register("secret:name", _SECRET_WORDS)
_TOKEN = re.compile(r"(?<![\w/+=.-])[A-Za-z0-9+/_=-]{32,}(?![\w/+=-])")
_PLACEHOLDER = re.compile(
    r"your|placeholder|changeme|change_me|redacted|dummy|xxxx|\*\*\*|<|>|\{|\}|\$\(|\.\.\.|insert|here|"
    r"tuo|tua|vostr|tu_|sua|seu|dein|votre|ton_|^\$|^%|^[A-Z]+(?:_[A-Z]+)+_?\d{0,3}$",
    re.IGNORECASE,
)
_NAME_LIKE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")  # ENV_VAR_NAMES are references, not values


def shannon_entropy(token: str) -> float:
    """Bits per character of ``token``."""
    size = len(token)
    return -sum(n / size * math.log2(n / size) for n in Counter(token).values())


def _encoded_prose(token: str) -> bool:
    """Base64 that decodes to readable text is an encoded message, not a key."""
    try:
        plain = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return plain.isprintable() and " " in plain


def _looks_random(token: str, min_entropy: float) -> bool:
    if (
        _encoded_prose(token)
        or _PLACEHOLDER.search(token)
        or re.fullmatch(r"[0-9a-fA-F]+", token)
        or token.isalpha()
    ):
        return False
    classes = sum(
        (any(c.islower() for c in token), any(c.isupper() for c in token), any(c.isdigit() for c in token))
    )
    return classes >= 2 and shannon_entropy(token) >= min_entropy


class SecretScanner(SpanScanner):
    """Find secrets by known format, by assignment to a secret-like name, or by entropy."""

    name = "secrets"
    category = "secret"
    kind = "SECRET"
    default_action = Action.REDACT

    def find(self, text: str, view: TextView) -> list[tuple[int, int]]:
        """Known formats, then ``password = ...`` style assignments, then long random tokens.

        Each pass runs only when a cheap substring check says it can match.
        """
        groups = view.groups
        found = [m.span() for m in _KNOWN.finditer(text, view.lower)] if KNOWN_FORMAT in groups else []
        for start in _keyword_starts(text, view):
            match = _ASSIGNED.match(text, start)
            if match is not None:
                value = match.group(1).rstrip(".,;")
                if _assigned_secret(value):
                    found.append((match.start(1), match.start(1) + len(value)))
        if len(text) >= 32:
            for word in {w for w in view.long_words if len(w) >= 32}:
                start = text.find(word)
                for match in _TOKEN.finditer(text, start, start + len(word)):
                    if _looks_random(match.group(), 4.0) and not _covered(match.span(), found):
                        found.append(match.span())
        return found


def _keyword_starts(text: str, view: TextView) -> list[int]:
    """Where a secret-like name starts (in ``text`` offsets; at most 32 places)."""
    lower = view.lower
    if SECRET_NAME not in view.groups:
        return []
    if len(lower) != len(text):  # lower-casing changed lengths (rare letters): scan everywhere
        return [m.start() for m in _ASSIGNED.finditer(text)]
    starts: list[int] = []
    for word in _SECRET_WORDS:
        at = lower.find(word)
        while at >= 0 and len(starts) < 32:
            starts.append(at)
            at = lower.find(word, at + 1)
    return sorted(set(starts))


_CODE_REFERENCE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")  # os.environ, settings.SECRET_KEY


def _assigned_secret(value: str) -> bool:
    """A value assigned to a secret-like name: not a placeholder or code reference, mixed classes, entropy."""
    if _CODE_REFERENCE.fullmatch(value) and not any(c.isdigit() for c in value):
        return False
    if (
        len(value) < 6
        or _PLACEHOLDER.search(value)
        or _NAME_LIKE.match(value)
        or shannon_entropy(value) < 2.5
    ):
        return False
    return sum((any(c.isalpha() for c in value), any(c.isdigit() for c in value), not value.isalnum())) >= 2


def _covered(span: tuple[int, int], found: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in found)
