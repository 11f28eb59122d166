"""Scanner names as a policy file writes them, mapped to the classes that implement them."""

from __future__ import annotations

from typing import Any

from guardrails.scanner import Scanner
from guardrails.scanners.banned_terms import BannedTermsScanner
from guardrails.scanners.card import CardScanner
from guardrails.scanners.email import EmailScanner
from guardrails.scanners.iban import IbanScanner
from guardrails.scanners.ip_address import IpAddressScanner
from guardrails.scanners.json_output import JsonOutputScanner
from guardrails.scanners.length_limit import LengthLimitScanner
from guardrails.scanners.person_name import PersonNameScanner
from guardrails.scanners.phone import PhoneScanner
from guardrails.scanners.prompt_injection import PromptInjectionScanner
from guardrails.scanners.refusal import RefusalScanner
from guardrails.scanners.secrets import SecretScanner
from guardrails.scanners.self_harm import SelfHarmScanner
from guardrails.scanners.ssn import SsnScanner
from guardrails.scanners.toxicity import ToxicityScanner

REGISTRY: dict[str, type[Any]] = {
    "length_limit": LengthLimitScanner,
    "pii_email": EmailScanner,
    "pii_phone": PhoneScanner,
    "pii_card": CardScanner,
    "pii_iban": IbanScanner,
    "pii_ssn": SsnScanner,
    "pii_ip": IpAddressScanner,
    "pii_name": PersonNameScanner,
    "secrets": SecretScanner,
    "prompt_injection": PromptInjectionScanner,
    "toxicity": ToxicityScanner,
    "self_harm": SelfHarmScanner,
    "refusal": RefusalScanner,
    "banned_terms": BannedTermsScanner,
    "json_output": JsonOutputScanner,
}
"""Every scanner a policy may name; adding one is one import and one line here."""


def create_scanner(name: str, options: dict[str, Any]) -> Scanner:
    """Build scanner ``name`` with ``options`` (keyword arguments of its class).

    Raises:
        KeyError: No scanner of that name.
        TypeError, ValueError: An option the scanner does not take, or a bad value.
    """
    scanner: Scanner = REGISTRY[name](**options)
    if name == "banned_terms":
        scanner.name = f"banned_terms:{options.get('category', 'banned_topic')}"
    return scanner
