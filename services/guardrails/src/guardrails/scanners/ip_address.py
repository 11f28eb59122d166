"""IPv4 and IPv6 addresses, validated; version strings ("v1.2.3.4", "version 10.0.0.1") are not."""

from __future__ import annotations

import ipaddress
import re

from guardrails.scanners.base import SpanScanner

_IPV4 = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.]\d|\.\d|\w)"
)
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%\w+)?(?![\w:])", re.IGNORECASE)
_VERSION = re.compile(r"\b(?:v|version|versione|versión|versão|release|build|ver\.?)\s*$", re.IGNORECASE)


class IpAddressScanner(SpanScanner):
    """Find IP addresses: four valid octets or a parseable IPv6 address."""

    name = "pii_ip"
    category = "pii:ip"
    kind = "IP_ADDRESS"

    def find(self, text: str) -> list[tuple[int, int]]:
        """IPv4 needs dots, IPv6 colons (cheap prefilters)."""
        found = []
        if "." in text:
            for match in _IPV4.finditer(text):
                if not _VERSION.search(text, max(0, match.start() - 12), match.start()):
                    found.append(match.span())
        if "::" in text or text.count(":") >= 5:
            for match in _IPV6.finditer(text):
                if _valid_ipv6(match.group()):
                    found.append(match.span())
        return found


def _valid_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate.split("%", maxsplit=1)[0])
    except ValueError:
        return False
    return candidate.count(":") >= 2 and any(c.isdigit() or c in "abcdefABCDEF" for c in candidate)
