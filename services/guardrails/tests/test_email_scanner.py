"""EmailScanner: addresses in six languages found exactly, look-alikes left alone.

What the regex treats as an address, and so what these tables pin down:

* a local part of ASCII letters, digits and ``. _ % + -`` starting with a letter or digit;
* a domain of at least two dot-separated labels ending in an alphabetic TLD of 2-24 letters,
  so ``user@localhost`` (no dot), ``user@192.168.0.1`` (numeric TLD) and version strings
  like ``lodash@4.17.21`` are *not* addresses;
* the match must not start in the middle of a word, so ``@mention`` or ``5@10`` never match.
"""

from __future__ import annotations

import pytest

from guardrails.email_scanner import EmailScanner
from guardrails.scanner import Action

POSITIVES: list[tuple[str, str, list[str]]] = [
    # (language, text, addresses the scanner must find, in order)
    ("en", "Please email john.smith@example.com by Friday.", ["john.smith@example.com"]),
    ("en", "Send it to anna+newsletter@mail.example.org, thanks", ["anna+newsletter@mail.example.org"]),
    ("en", "CONTACT: SUPPORT@EXAMPLE.COM", ["SUPPORT@EXAMPLE.COM"]),
    (
        "en",
        "Write to <first_last@example.co.uk> or mailto:ops@eu.example.net",
        ["first_last@example.co.uk", "ops@eu.example.net"],
    ),
    ("en", "42@answers.example.net is a real mailbox", ["42@answers.example.net"]),
    ("en", "a@x.io,b@y.io;c@z.io", ["a@x.io", "b@y.io", "c@z.io"]),
    ("it", "Scrivimi a mario.rossi@esempio.it per favore.", ["mario.rossi@esempio.it"]),
    ("it", "L'indirizzo è ufficio-vendite@azienda.co.it.", ["ufficio-vendite@azienda.co.it"]),
    ("es", "¿Puedes escribir a ana.garcia@correo.es?", ["ana.garcia@correo.es"]),
    ("es", "Correo de soporte (SOPORTE+MX@Empresa.com.mx) abierto 24h", ["SOPORTE+MX@Empresa.com.mx"]),
    ("pt", "Envie para joao.silva@empresa.com.br até amanhã.", ["joao.silva@empresa.com.br"]),
    ("pt", "O e-mail é contato_loja@loja.pt, obrigado!", ["contato_loja@loja.pt"]),
    ("de", "Bitte schreiben Sie an max.mustermann@firma.de.", ["max.mustermann@firma.de"]),
    ("de", "E-Mail:info@mail.beispiel.de, Tel. 030 1234", ["info@mail.beispiel.de"]),
    ("fr", "Écrivez à jean.dupont@exemple.fr s'il vous plaît.", ["jean.dupont@exemple.fr"]),
    ("fr", "Courriel : «marie+factures@societe.fr»", ["marie+factures@societe.fr"]),
]

HARD_NEGATIVES: list[tuple[str, str]] = [
    # (language, text with an "@" that is not an email address)
    ("en", "ping @mention in the channel"),
    ("en", "price 5@10 per unit"),
    ("en", "npm install lodash@4.17.21 and node@18.20.1"),
    ("en", "@"),
    ("en", "a @ b"),
    ("en", "user@localhost"),  # no dot in the domain: not treated as an address (documented above)
    ("en", "user@192.168.0.1"),  # numeric TLD
    ("en", "@dataclass(frozen=True)"),
    ("en", "broken@example"),  # no TLD
    ("en", "@example.com"),  # no local part
    ("en", "user@-example.com"),  # a label cannot start with a hyphen
    ("en", "x@y.z"),  # one-letter TLD
    ("it", "@giulia ha scritto: le mele costano 3@2€"),
    ("es", "Precio: 3@5 euros, sígueme en @ana_garcia"),
    ("pt", "R$ 5@unidade, versão pacote@2.3.1"),
    ("de", "Termin um 10@Büro, siehe @Kalender"),
    ("fr", "rendez-vous @ 14h, version outil@1.0.2"),
]

KNOWN_GAPS: list[tuple[str, str, str]] = [
    # (language, text, the address that leaks unredacted today)
    ("fr", "Écrivez à léa@exemple.fr", "léa@exemple.fr"),
    ("de", "Schreib an jürgen.müller@example.de", "jürgen.müller@example.de"),
    ("pt", "Fale com joão@empresa.com.br", "joão@empresa.com.br"),
    ("de", "Bestellungen an info@bücher.de", "info@bücher.de"),
    ("en", "Mail o'brien@example.ie", "o'brien@example.ie"),
]


@pytest.mark.parametrize(
    ("language", "text", "addresses"), POSITIVES, ids=[f"{p[0]}-{i}" for i, p in enumerate(POSITIVES)]
)
def test_finds_each_address_exactly(language: str, text: str, addresses: list[str]) -> None:
    result = EmailScanner().scan(text)

    assert [text[s.start : s.end] for s in result.spans] == addresses
    assert all(s.kind == "EMAIL" for s in result.spans)
    assert result.action is Action.REDACT
    assert result.found
    assert result.score == 1.0
    assert (result.scanner, result.category) == ("pii_email", "pii:email")


@pytest.mark.parametrize(
    ("language", "text"), HARD_NEGATIVES, ids=[f"{n[0]}-{i}" for i, n in enumerate(HARD_NEGATIVES)]
)
def test_leaves_look_alikes_alone(language: str, text: str) -> None:
    result = EmailScanner().scan(text)

    assert result.spans == ()
    assert result.action is Action.ALLOW
    assert not result.found
    assert result.score == 0.0


@pytest.mark.parametrize("text", ["", "no at sign here", "Grüße aus München — ciao, ¡hola!"])
def test_text_without_at_sign_is_allowed(text: str) -> None:
    result = EmailScanner().scan(text)

    assert (result.action, result.spans, result.category) == (Action.ALLOW, (), "pii:email")


ALL_TEXTS = [p[1] for p in POSITIVES] + [n[1] for n in HARD_NEGATIVES] + [g[1] for g in KNOWN_GAPS]


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_spans_never_cut_a_word(text: str) -> None:
    """A span never starts or ends inside a token, so no half-address is ever redacted."""
    for span in EmailScanner().scan(text).spans:
        before = text[span.start - 1] if span.start > 0 else " "
        after = text[span.end] if span.end < len(text) else " "
        assert not (before.isalnum() or before in "._%+-"), f"span starts mid-word in {text!r}"
        assert not (after.isalnum() or after == "_"), f"span ends mid-word in {text!r}"


@pytest.mark.parametrize(
    ("language", "text", "address"), KNOWN_GAPS, ids=[f"{g[0]}-{i}" for i, g in enumerate(KNOWN_GAPS)]
)
def test_internationalised_addresses_are_found(language: str, text: str, address: str) -> None:
    result = EmailScanner().scan(text)

    assert [text[s.start : s.end] for s in result.spans] == [address]
