"""Full names of private persons, found cheaply: a name cue or a known given name, then a surname.

Cues in six languages ("my name is", "mi chiamo", "me llamo", "meu nome é", "ich heiße",
"je m'appelle", titles like Mr/Sig./Sr./Herr/Mme) or a common given name followed by a
capitalised word. Public figures are not told apart (no cheap method can), so a name
after a cue is always redacted; that errs on the side of privacy.
"""

from __future__ import annotations

import re

from guardrails.scanner import TextView
from guardrails.scanners.base import SpanScanner

# possessive letter runs (++): what follows a run is never a lower-case letter, so giving
# letters back cannot help a match, and not trying halves the candidate search
_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]++(?:[-'][A-ZÀ-ÖØ-Þ]?[a-zß-öø-ÿ]++)?"
_PARTICLE = r"(?:\s(?:de|da|do|dos|das|del|della|di|van|von|der|le|la|du))?"
_FULL = rf"{_WORD}(?:{_PARTICLE}\s{_WORD}){{1,2}}"
_PLAIN_CUES = [
    "my name is", "i am", "i'm", "this is", "name:", "signed", "regards,", "contact person:",
    "mi chiamo", "il mio nome è", "sono", "nome:", "cordiali saluti,",
    "me llamo", "mi nombre es", "soy", "nombre:", "saludos,",
    "meu nome é", "me chamo", "chamo-me", "sou", "atenciosamente,",
    "ich heiße", "ich heisse", "mein name ist", "ich bin", "mit freundlichen grüßen,", "grüße,",
    "je m'appelle", "je m\u2019appelle", "mon nom est", "je suis", "nom:", "cordialement,",
]  # fmt: skip
# A person's role, then the name: "the account holder is ...", "Kontoinhaber ist ...".
_ROLES = {
    ("is",): "holder owner customer client patient employee tenant applicant recipient sender contact",
    ("è", "del conto è"): "titolare cliente paziente dipendente destinatario mittente",
    ("es", "de la cuenta es"): "titular cliente paciente empleado destinatario remitente",
    ("é", "da conta é"): "titular cliente paciente funcionário destinatário remetente",
    ("ist",): "inhaber kontoinhaber kunde kundin patient patientin mitarbeiter empfänger absender",
    ("est", "du compte est"): "titulaire client cliente patient employé destinataire expéditeur",
}
_TITLES = [
    "mr",
    "mrs",
    "ms",
    "dr",
    "sig",
    "sig.ra",
    "sr",
    "sra",
    "srta",
    "herr",
    "frau",
    "mme",
    "mlle",
    "dott",
]
_TITLES += ["dott.ssa", "prof"]
_CUE_PHRASES = frozenset(
    [tuple(c.split()) for c in _PLAIN_CUES]
    + [(role, *link.split()) for links, roles in _ROLES.items() for role in roles.split() for link in links]
    + [(f"{role}:",) for roles in _ROLES.values() for role in roles.split()]
    + [(t,) for t in _TITLES]
    + [(f"{t}.",) for t in [*_TITLES, "m"]]
)
_LONGEST_CUE = max(len(c) for c in _CUE_PHRASES)
# A run of two or three capitalised words: starts with a capital letter, so the regex
# engine skips lower-case text fast; cues and given names are then checked around it.
_CANDIDATE = re.compile(_FULL)


def _cue_before(text: str, start: int) -> bool:
    """True when the (up to five) words just before ``start`` end with a name cue."""
    words = text[max(0, start - 40) : start].lower().split()
    return any(tuple(words[-n:]) in _CUE_PHRASES for n in range(1, min(_LONGEST_CUE, len(words)) + 1))


def _is_title(word: str) -> bool:
    lowered = word.lower()
    return (lowered,) in _CUE_PHRASES and (lowered in _TITLES or lowered.rstrip(".") in _TITLES)


_GIVEN = [
    "james",
    "john",
    "robert",
    "michael",
    "william",
    "david",
    "richard",
    "joseph",
    "thomas",
    "charles",
    "mary",
    "patricia",
    "jennifer",
    "linda",
    "elizabeth",
    "barbara",
    "susan",
    "jessica",
    "sarah",
    "karen",
    "emily",
    "emma",
    "olivia",
    "sophia",
    "anna",
    "laura",
    "julia",
    "daniel",
    "paul",
    "mark",
    "george",
    "peter",
    "alice",
    "claire",
    "lucy",
    "kate",
    "jane",
    "alex",
    "andrew",
    "chris",
    "marco",
    "luca",
    "giuseppe",
    "giovanni",
    "francesco",
    "alessandro",
    "andrea",
    "matteo",
    "lorenzo",
    "davide",
    "stefano",
    "paolo",
    "roberto",
    "giulia",
    "chiara",
    "francesca",
    "federica",
    "sara",
    "martina",
    "valentina",
    "elena",
    "alessia",
    "silvia",
    "paola",
    "giorgia",
    "josé",
    "jose",
    "juan",
    "carlos",
    "javier",
    "manuel",
    "antonio",
    "miguel",
    "pedro",
    "pablo",
    "sergio",
    "alejandro",
    "diego",
    "jorge",
    "luis",
    "maría",
    "maria",
    "carmen",
    "lucía",
    "lucia",
    "isabel",
    "pilar",
    "teresa",
    "cristina",
    "marta",
    "rosa",
    "ana",
    "joão",
    "joao",
    "pedro",
    "tiago",
    "rui",
    "nuno",
    "ricardo",
    "andré",
    "andre",
    "bruno",
    "gonçalo",
    "beatriz",
    "inês",
    "ines",
    "mariana",
    "catarina",
    "joana",
    "rita",
    "sofia",
    "hans",
    "peter",
    "klaus",
    "jürgen",
    "jurgen",
    "wolfgang",
    "stefan",
    "thomas",
    "michael",
    "andreas",
    "markus",
    "tobias",
    "jan",
    "lukas",
    "ursula",
    "sabine",
    "petra",
    "monika",
    "katrin",
    "julia",
    "lena",
    "hannah",
    "lea",
    "jean",
    "pierre",
    "michel",
    "philippe",
    "nicolas",
    "françois",
    "francois",
    "laurent",
    "julien",
    "antoine",
    "louis",
    "marie",
    "nathalie",
    "isabelle",
    "sophie",
    "camille",
    "chloé",
    "chloe",
    "léa",
    "manon",
    "céline",
    "celine",
]
_GIVEN_NAMES = frozenset(n.capitalize() for n in _GIVEN)
_NOT_SURNAME = frozenset(
    [
        "The",
        "And",
        "But",
        "Street",
        "Road",
        "Avenue",
        "Via",
        "Calle",
        "Rua",
        "Straße",
        "Strasse",
        "Rue",
        "Bank",
        "University",
        "Hospital",
        "Inc",
        "Ltd",
        "Gmbh",
    ]
)


class PersonNameScanner(SpanScanner):
    """Find full names after a name cue or title, or a common given name followed by a surname."""

    name = "pii_name"
    category = "pii:name"
    kind = "NAME"

    def find(self, text: str, view: TextView) -> list[tuple[int, int]]:
        """Capitalised word runs preceded by a name cue, or starting with a known given name."""
        found = []
        for match in _CANDIDATE.finditer(text):
            words = [
                (w.start() + match.start(), w.end() + match.start()) for w in _WORDS.finditer(match.group())
            ]
            name = _name_in(text, words)
            if name is not None:
                found.append(name)
        return found


_WORDS = re.compile(r"\S+")


def _name_in(text: str, words: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The name inside a run of capitalised words (a leading title or sentence word dropped)."""
    for first in range(len(words) - 1):
        start = words[first][0]
        word = text[start : words[first][1]]
        if _is_title(word):
            continue
        surname = text[words[first + 1][0] : words[first + 1][1]]
        if word in _GIVEN_NAMES and surname not in _NOT_SURNAME:
            return start, words[first + 1][1]
        if _cue_before(text, start):
            return start, words[-1][1]
    return None
