"""PII scanners, table-driven: positives and hard negatives in every language.

Each positive names the exact substring that must be found; each negative must find nothing.
"""

from __future__ import annotations

import pytest

from guardrails.scanner import Action, ScanContext
from guardrails.scanners.base import SpanScanner
from guardrails.scanners.card import CardScanner, luhn_valid
from guardrails.scanners.email import EmailScanner
from guardrails.scanners.iban import IbanScanner, iban_valid
from guardrails.scanners.ip_address import IpAddressScanner
from guardrails.scanners.person_name import PersonNameScanner
from guardrails.scanners.phone import PhoneScanner
from guardrails.scanners.ssn import SsnScanner

CTX = ScanContext()


def found(scanner: SpanScanner, text: str) -> list[str]:
    return [text[s.start : s.end] for s in scanner.scan(text, CTX).spans]


EMAILS = [
    ("en", "Send it to john.smith+invoices@example.co.uk today", "john.smith+invoices@example.co.uk"),
    ("en", "reach me: jane dot doe at gmail dot com", "jane dot doe at gmail dot com"),
    ("en", "write to bob [at] corp [dot] io", "bob [at] corp [dot] io"),
    ("it", "scrivimi a mario.rossi chiocciola libero punto it", "mario.rossi chiocciola libero punto it"),
    ("it", "La mail è giulia.bianchi@azienda.it.", "giulia.bianchi@azienda.it"),
    ("es", "mi correo es ana arroba correo punto es", "ana arroba correo punto es"),
    ("es", "Escribe a josé.garcía@correo.es", "josé.garcía@correo.es"),
    ("pt", "o meu email é joao arroba sapo ponto pt", "joao arroba sapo ponto pt"),
    ("pt", "Contacto: ines.sousa@empresa.com.br", "ines.sousa@empresa.com.br"),
    ("de", "Schreib an max punkt mustermann at web punkt de", "max punkt mustermann at web punkt de"),
    ("de", "E-Mail: jürgen.müller@firma.de", "jürgen.müller@firma.de"),
    ("fr", "écrivez à jean arobase orange point fr", "jean arobase orange point fr"),
    ("fr", "Contact : JEAN.DUPONT@EXEMPLE.FR", "JEAN.DUPONT@EXEMPLE.FR"),
]
NOT_EMAILS = [
    ("en", "Meet me at the station at 5, dot the i's"),
    ("en", "Use @mentions to notify the team, e.g. @alice"),
    ("it", "Il punto è che arriviamo alle 8"),
    ("es", "Nos vemos en el punto de encuentro a las 10"),
    ("pt", "O ponto de encontro é às 9"),
    ("de", "Wir treffen uns um Punkt 8 at home"),
    ("fr", "Le point de rendez-vous est à la gare"),
    ("en", "git clone git@github:org/repo and npm i @types/node"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), EMAILS)
def test_email_positives(lang: str, text: str, expected: str) -> None:
    assert found(EmailScanner(), text) == [expected]


@pytest.mark.parametrize(("lang", "text"), NOT_EMAILS)
def test_email_negatives(lang: str, text: str) -> None:
    assert found(EmailScanner(), text) == []


PHONES = [
    ("en", "Call me at (415) 555-2671 tomorrow", "(415) 555-2671"),
    ("en", "UK office: +44 20 7946 0958", "+44 20 7946 0958"),
    ("en", "my cell is 07700 900123", "07700 900123"),
    ("it", "Chiamami al 347 123 4567", "347 123 4567"),
    ("it", "Ufficio: +39 06 6982 1234", "+39 06 6982 1234"),
    ("it", "il mio cellulare è 3471234567", "3471234567"),
    ("es", "Llámame al 612 34 56 78", "612 34 56 78"),
    ("es", "Teléfono: +34 91 123 45 67", "+34 91 123 45 67"),
    ("pt", "Liga para o 912 345 678", "912 345 678"),
    ("pt", "Telefone: +351 21 123 4567", "+351 21 123 4567"),
    ("pt", "WhatsApp +55 11 91234-5678", "+55 11 91234-5678"),
    ("de", "Ruf mich an: 0151 23456789", "0151 23456789"),
    ("de", "Büro: +49 (0)30 1234567", "+49 (0)30 1234567"),
    ("de", "Telefon 030/1234567", "030/1234567"),
    ("fr", "Appelez-moi au 06 12 34 56 78", "06 12 34 56 78"),
    ("fr", "Standard : +33 1 42 68 53 00", "+33 1 42 68 53 00"),
    ("fr", "mon portable 01.42.68.53.00", "01.42.68.53.00"),
]
NOT_PHONES = [
    ("en", "Order 123456789 shipped on 2024-03-15"),
    ("en", "Invoice total 1,234,567.89 USD"),
    ("en", "version 10.4.2.1 released"),
    ("en", "Server 192.168.10.254 is down"),
    ("it", "Ordine n. 2024558812 in consegna"),
    ("it", "La riunione è il 12/03/2025 alle 14:30"),
    ("es", "Pedido 771203998 pendiente"),
    ("es", "Importe: 12.345.678 euros"),
    ("pt", "Encomenda 331907221 atrasada"),
    ("pt", "O NIF 123456789 está correto?"),
    ("de", "Bestellung 661002334 ist unterwegs"),
    ("de", "Artikelnummer 7781-2290-55"),
    ("fr", "Commande 448120331 en retard"),
    ("fr", "Le SIRET 73282932000074 de l'entreprise"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), PHONES)
def test_phone_positives(lang: str, text: str, expected: str) -> None:
    assert found(PhoneScanner(), text) == [expected]


@pytest.mark.parametrize(("lang", "text"), NOT_PHONES)
def test_phone_negatives(lang: str, text: str) -> None:
    assert found(PhoneScanner(), text) == []


CARDS = [
    ("en", "My card is 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("it", "Carta 5500-0000-0000-0004 rifiutata", "5500-0000-0000-0004"),
    ("es", "Tarjeta 378282246310005 (Amex)", "378282246310005"),
    ("pt", "Cartão 6011 1111 1111 1117", "6011 1111 1111 1117"),
    ("de", "Karte: 2223 0031 2200 3222", "2223 0031 2200 3222"),
    ("fr", "Carte 4012888888881881, merci", "4012888888881881"),
]
NOT_CARDS = [
    ("en", "Is 4111 1111 1111 1112 a valid card?"),  # fails Luhn
    ("it", "Codice transazione 1234 5678 9012 3456"),  # fails Luhn
    ("es", "Pedido 0000 0000 0000 0000"),  # no issuer
    ("pt", "Rastreio 9400 1000 0000 0000 0000 00"),  # 22 digits
    ("de", "Vorgang 4012 8888 8888 1882"),  # fails Luhn
    ("fr", "Transaction 3782 822463 10006"),  # fails Luhn
]


@pytest.mark.parametrize(("lang", "text", "expected"), CARDS)
def test_card_positives(lang: str, text: str, expected: str) -> None:
    assert found(CardScanner(), text) == [expected]


@pytest.mark.parametrize(("lang", "text"), NOT_CARDS)
def test_card_negatives(lang: str, text: str) -> None:
    assert found(CardScanner(), text) == []


@pytest.mark.parametrize(("number", "valid"), [("79927398713", True), ("79927398710", False), ("0", True)])
def test_luhn(number: str, valid: bool) -> None:
    assert luhn_valid(number) is valid


IBANS = [
    ("en", "Pay GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32"),
    ("it", "IBAN IT60X0542811101000000123456 intestato a me", "IT60X0542811101000000123456"),
    ("es", "Cuenta ES91 2100 0418 4502 0005 1332.", "ES91 2100 0418 4502 0005 1332"),
    ("pt", "IBAN: PT50 0002 0123 1234 5678 9015 4", "PT50 0002 0123 1234 5678 9015 4"),
    ("de", "Konto de89 3704 0044 0532 0130 00", "de89 3704 0044 0532 0130 00"),
    ("fr", "IBAN FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 606"),
]
NOT_IBANS = [
    ("en", "Reference GB82 WEST 1234 5698 7654 33"),  # wrong check digits
    ("it", "Codice IT60X0542811101000000123457"),
    ("es", "Matrícula ES12 ABC"),
    ("pt", "Voo PT12 3456"),
    ("de", "Bestellnummer DE12 3456 7890 1234 5678 90"),
    ("fr", "Référence FR76 1234 5678 9012"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), IBANS)
def test_iban_positives(lang: str, text: str, expected: str) -> None:
    assert found(IbanScanner(), text) == [expected]


@pytest.mark.parametrize(("lang", "text"), NOT_IBANS)
def test_iban_negatives(lang: str, text: str) -> None:
    assert found(IbanScanner(), text) == []


def test_iban_length_is_checked_per_country() -> None:
    assert iban_valid("DE89370400440532013000")
    assert not iban_valid("DE8937040044053201300")


SSNS = [
    ("en", "SSN 536-22-1234 on file", "536-22-1234"),
    ("it", "Il suo SSN è 123 45 6789", "123 45 6789"),
    ("es", "número de seguridad social 536221234", "536221234"),
    ("de", "SSN: 078-05-1120", "078-05-1120"),
]
NOT_SSNS = [
    ("en", "SSN 000-12-3456 is invalid"),
    ("en", "area 666-12-3456 is never issued"),
    ("pt", "O número 912-34-5678 não é válido"),
    ("fr", "Le code 123-00-4567 a un groupe nul"),
    ("es", "Pedido 536221234 enviado"),  # bare digits without an SSN word
    ("de", "Serie 123-45-0000 ungültig"),
    ("it", "Telefono 347-12-3456"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), SSNS)
def test_ssn_positives(lang: str, text: str, expected: str) -> None:
    assert found(SsnScanner(), text) == [expected]


@pytest.mark.parametrize(("lang", "text"), NOT_SSNS)
def test_ssn_negatives(lang: str, text: str) -> None:
    assert found(SsnScanner(), text) == []


IPS = [
    ("en", "Our gateway 203.0.113.42 drops packets", "203.0.113.42"),
    ("it", "Il server 10.0.0.254 non risponde", "10.0.0.254"),
    ("es", "IPv6 2001:db8:85a3::8a2e:370:7334 bloqueada", "2001:db8:85a3::8a2e:370:7334"),
    ("pt", "Acesso de fe80::1ff:fe23:4567:890a negado", "fe80::1ff:fe23:4567:890a"),
    ("de", "Der Server 172.16.254.1 antwortet nicht", "172.16.254.1"),
    ("fr", "Connexion depuis 198.51.100.7.", "198.51.100.7"),
]
NOT_IPS = [
    ("en", "Upgrade to version 1.2.3.4 now"),
    ("en", "Released v10.0.0.1 yesterday"),
    ("it", "Versione 2.10.3.1 disponibile"),
    ("es", "La hora es 10:30:15"),
    ("pt", "Valor 300.400.500.600"),
    ("de", "Datum 01.02.2025"),
    ("fr", "Le ratio std::vector est 3:4"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), IPS)
def test_ip_positives(lang: str, text: str, expected: str) -> None:
    assert found(IpAddressScanner(), text) == [expected]


@pytest.mark.parametrize(("lang", "text"), NOT_IPS)
def test_ip_negatives(lang: str, text: str) -> None:
    assert found(IpAddressScanner(), text) == []


NAMES = [
    ("en", "Hi, my name is Harriet Whitfield and I need help", "Harriet Whitfield"),
    ("en", "Please ask Sarah Connor to call back", "Sarah Connor"),
    ("it", "Buongiorno, mi chiamo Tommaso Lombardi", "Tommaso Lombardi"),
    ("es", "Hola, me llamo Nerea Domínguez", "Nerea Domínguez"),
    ("pt", "O titular da conta é Vasco Magalhães", "Vasco Magalhães"),
    ("de", "Mein Name ist Moritz Schäfer", "Moritz Schäfer"),
    ("fr", "Bonjour, je m'appelle Océane Lefèvre", "Océane Lefèvre"),
    ("fr", "Le titulaire du compte est M. Quentin Girard", "Quentin Girard"),
]
NOT_NAMES = [
    ("en", "The New York office opens at 9"),
    ("en", "I am happy with the service"),
    ("it", "Sono contento del servizio"),
    ("es", "Soy cliente desde 2019"),
    ("pt", "Sou cliente há anos"),
    ("de", "Ich bin mit dem Service zufrieden"),
    ("fr", "Je suis client depuis 2019"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), NAMES)
def test_name_positives(lang: str, text: str, expected: str) -> None:
    assert found(PersonNameScanner(), text) == [expected]


@pytest.mark.parametrize(("lang", "text"), NOT_NAMES)
def test_name_negatives(lang: str, text: str) -> None:
    assert found(PersonNameScanner(), text) == []


def test_pii_scanners_redact_by_default_and_take_a_policy_action() -> None:
    assert EmailScanner().scan("a@b.io", CTX).action is Action.REDACT
    assert EmailScanner(Action.BLOCK).scan("a@b.io", CTX).action is Action.BLOCK
