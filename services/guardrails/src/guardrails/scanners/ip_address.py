"""IPv4 and IPv6 addresses, validated; version strings ("v1.2.3.4", "version 10.0.0.1") are not."""

from __future__ import annotations

import ipaddress
import re

from guardrails.scanner import TextView
from guardrails.scanners.base import SpanScanner

_IPV4 = re.compile(r"\d(?<![\w.]\d)\d{0,2}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w.]\d|\.\d|\w)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%\w+)?(?![\w:])", re.IGNORECASE)
_VERSION = re.compile(r"\b(?:v|version|versione|versión|versão|release|build|ver\.?)\s*$", re.IGNORECASE)


class IpAddressScanner(SpanScanner):
    """Find IP addresses: four valid octets or a parseable IPv6 address."""

    name = "pii_ip"
    category = "pii:ip"
    kind = "IP_ADDRESS"

    def find(self, text: str, view: TextView) -> list[tuple[int, int]]:
        """IPv4 needs digits and three dots, IPv6 colons (cheap prefilters)."""
        found = []
        if view.digits >= 4 and text.count(".") >= 3 and _digit_dot_digit(text):
            for match in _IPV4.finditer(text):
                start = match.start()
                if _octets_valid(match.group()) and not _VERSION.search(text, max(0, start - 12), start):
                    found.append(match.span())
        if "::" in text or text.count(":") >= 5:
            for match in _IPV6.finditer(text):
                if _valid_ipv6(match.group()):
                    found.append(match.span())
        return found


def _digit_dot_digit(text: str, most: int = 64) -> bool:
    """Whether a dot stands between two digits (every IPv4 address has one), from the dots only.

    Dots are few in prose, and ``str.find`` skips to them in C; a text with more than
    ``most`` dots answers True and lets the regex decide.
    """
    at = text.find(".", 1)
    for _ in range(most):
        if at < 0 or at + 1 >= len(text):
            return False
        if text[at - 1].isdigit() and text[at + 1].isdigit():  # isdigit() holds for every \d
            return True
        at = text.find(".", at + 1)
    return True


def _octets_valid(candidate: str) -> bool:
    return all(int(part) <= 255 and (part == "0" or part[0] != "0") for part in candidate.split("."))


def _valid_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate.split("%", maxsplit=1)[0])
    except ValueError:
        return False
    return candidate.count(":") >= 2 and any(c.isdigit() or c in "abcdefABCDEF" for c in candidate)
