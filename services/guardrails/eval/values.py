"""Random but valid sensitive values for the labelled set (Luhn cards, mod-97 IBANs, real JWT shapes...)."""

# ruff: noqa: D102, E501, PLR0911  (value makers are named for what they make)

from __future__ import annotations

import base64
import json
import random
import string

FIRST = {
    "en": ["Oliver", "Harriet", "Ethan", "Megan", "Connor", "Abigail", "Ryan", "Zoe"],
    "it": ["Gianluca", "Ilaria", "Tommaso", "Noemi", "Riccardo", "Beatrice", "Edoardo", "Arianna"],
    "es": ["Álvaro", "Nerea", "Íker", "Ainhoa", "Rubén", "Lorena", "Gonzalo", "Rocío"],
    "pt": ["Duarte", "Leonor", "Afonso", "Matilde", "Vasco", "Carolina", "Rodrigo", "Benedita"],
    "de": ["Florian", "Johanna", "Maximilian", "Annika", "Sebastian", "Franziska", "Moritz", "Vanessa"],
    "fr": ["Baptiste", "Océane", "Théo", "Margaux", "Quentin", "Élodie", "Maxime", "Pauline"],
}
LAST = {
    "en": ["Whitfield", "Carrington", "Holloway", "Pemberton", "Ashworth", "Blackwood"],
    "it": ["Lombardi", "Ferraro", "Santoro", "Marchetti", "Galli", "Caruso"],
    "es": ["Fernández", "Iglesias", "Navarro", "Domínguez", "Castillo", "Herrera"],
    "pt": ["Magalhães", "Figueiredo", "Carvalho", "Teixeira", "Sousa", "Pinheiro"],
    "de": ["Hoffmann", "Schäfer", "Becker", "Krüger", "Zimmermann", "Hartmann"],
    "fr": ["Lefèvre", "Moreau", "Girard", "Fontaine", "Rousseau", "Chevalier"],
}
DOMAINS = {
    "en": ["gmail.com", "outlook.com", "acme-corp.co.uk"],
    "it": ["libero.it", "tiscali.it", "azienda.it"],
    "es": ["correo.es", "telefonica.es", "empresa.com.es"],
    "pt": ["sapo.pt", "empresa.com.br", "gmail.com"],
    "de": ["web.de", "gmx.de", "firma.de"],
    "fr": ["orange.fr", "laposte.net", "entreprise.fr"],
}
IBAN_COUNTRY = {"en": ("GB", "NWBK", 14), "it": ("IT", "X0542811101", 12), "es": ("ES", "2100", 16),
                "pt": ("PT", "0002", 17), "de": ("DE", "", 18), "fr": ("FR", "", 23)}  # fmt: skip


class Values:
    """A seeded source of values."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def name(self, lang: str) -> str:
        return f"{self.rng.choice(FIRST[lang])} {self.rng.choice(LAST[lang])}"

    def email(self, lang: str) -> str:
        first, last = self.name(lang).split(" ", 1)
        local = self.rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{self.digits(2)}"])
        ascii_local = local.lower().encode("ascii", "ignore").decode()
        return f"{ascii_local}@{self.rng.choice(DOMAINS[lang])}"

    def card(self, valid: bool = True) -> str:
        prefix, length = self.rng.choice(
            [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("37", 15), ("6011", 16)]
        )
        body = prefix + self.digits(length - len(prefix) - 1)
        check = next(d for d in string.digits if _luhn(body + d))
        number = body + (check if valid else str((int(check) + 3) % 10))
        if length == 15:
            return self.rng.choice([number, f"{number[:4]} {number[4:10]} {number[10:]}"])
        sep = self.rng.choice([" ", "-", ""])
        return sep.join(number[i : i + 4] for i in range(0, 16, 4))

    def iban(self, lang: str, valid: bool = True) -> str:
        country, bank, rest = IBAN_COUNTRY[lang]
        bban = bank + self.digits(rest)
        numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
        check = 98 - int(numeric) % 97
        if not valid:
            check = (check + 11) % 97 + 2
        compact = f"{country}{check:02d}{bban}"
        return (
            " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
            if self.rng.random() < 0.6
            else compact
        )

    def ssn(self) -> str:
        area = self.rng.choice([n for n in range(1, 900) if n != 666])
        return f"{area:03d}-{self.rng.randint(1, 99):02d}-{self.rng.randint(1, 9999):04d}"

    def ipv4(self) -> str:
        return ".".join(str(self.rng.randint(1, 254)) for _ in range(4))

    def ipv6(self) -> str:
        return (
            "2001:db8:"
            + ":".join(f"{self.rng.randint(0, 65535):x}" for _ in range(3))
            + "::"
            + f"{self.rng.randint(1, 999):x}"
        )

    def token(self, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def secret(self) -> str:
        kind = self.rng.randrange(7)
        if kind == 0:
            return "AKIA" + self.token(16, string.ascii_uppercase + string.digits)
        if kind == 1:
            return "ghp_" + self.token(36)
        if kind == 2:
            return f"xoxb-{self.digits(11)}-{self.digits(12)}-{self.token(24)}"
        if kind == 3:
            return self.jwt()
        if kind == 4:
            return "sk_live_" + self.token(24)
        if kind == 5:
            return (
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA"
                + self.token(64)
                + "\n-----END RSA PRIVATE KEY-----"
            )
        return "AIza" + self.token(35, string.ascii_letters + string.digits + "_-")

    def jwt(self) -> str:
        def part(obj: dict[str, object]) -> str:
            return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

        payload = {"sub": self.digits(8), "name": "user", "iat": 1700000000 + self.rng.randint(0, 10**6)}
        return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(payload)}.{self.token(43, string.ascii_letters + string.digits + '_-')}"

    def high_entropy(self) -> str:
        return self.token(40, string.ascii_letters + string.digits + "+/")


def _luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


PHONE_FORMATS = {
    "en": [
        "+1 (415) ###-####",
        "(212) 7##-####",
        "+44 20 7946 ####",
        "07700 9#####",
        "+1 646-3##-####",
        "415.8##.####",
    ],
    "it": [
        "+39 347 ### ####",
        "+39 06 #### ####",
        "333 ### ####",
        "02 #### ####",
        "+39 328#######",
        "0039 340 ### ####",
    ],
    "es": [
        "+34 612 ### ###",
        "+34 91 ### ## ##",
        "6## ## ## ##",
        "93 ### ## ##",
        "+34 7########",
        "0034 655 ### ###",
    ],
    "pt": [
        "+351 912 ### ###",
        "+351 21 ### ####",
        "91# ### ###",
        "+55 11 9####-####",
        "22# ### ###",
        "00351 93# ### ###",
    ],
    "de": [
        "+49 30 ########",
        "+49 (0)89 ### ####",
        "0151 ########",
        "030/#######",
        "+49 170 #######",
        "089 ### ### ##",
    ],
    "fr": [
        "+33 6 ## ## ## ##",
        "06 ## ## ## ##",
        "01.##.##.##.##",
        "+33 (0)1 ## ## ## ##",
        "07########",
        "0033 6 ## ## ## ##",
    ],
}


def phone(values: Values, lang: str) -> str:
    """A phone number in one of the language's countries' formats."""
    fmt = values.rng.choice(PHONE_FORMATS[lang])
    return "".join(values.rng.choice("0123456789") if c == "#" else c for c in fmt)


OBFUSCATION = {
    "en": ("at", "dot"), "it": ("chiocciola", "punto"), "es": ("arroba", "punto"),
    "pt": ("arroba", "ponto"), "de": ("at", "punkt"), "fr": ("arobase", "point"),
}  # fmt: skip


def email_obfuscated(values: Values, lang: str) -> str:
    """The address spelled out ("anna at example dot com") or bracketed ("anna [at] example [dot] com")."""
    address = values.email(lang)
    local, domain = address.split("@")
    at, dot = OBFUSCATION[lang] if values.rng.random() < 0.6 else ("[at]", "[dot]")
    return f"{local} {at} {f' {dot} '.join(domain.split('.'))}"
