"""Cheap language identification from stopword profiles (en, it, es, pt, de, fr).

Drift only needs the *mix* of languages per window, so a profile of the most frequent
function words per language is enough: it costs one regex pass and a set lookup per
word (microseconds per text), needs no model, and abstains (``und``) on text with no
evidence rather than guessing.
"""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    return text.split()


LANGUAGES = ("en", "it", "es", "pt", "de", "fr")
UNDETERMINED = "und"

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        _words(
            "the and is are was were of to in that it for on with as this be have has not you your "
            "what how can my me i we they please would could should there which from at or an"
        )
    ),
    "it": frozenset(
        _words(
            "il lo la gli le di che è e non per con una uno sono del della dei delle nel nella "
            "questo questa come mi ti ci anche ma più al alla perché cosa vorrei grazie posso"
        )
    ),
    "es": frozenset(
        _words(
            "el los las del que y es en por con una uno para como pero más mi su sus se está "
            "este esta hay muy cuando porque qué quiero gracias puedo también donde"
        )
    ),
    "pt": frozenset(
        _words(
            "o os as do da dos das que e é em no na por com uma um para como mas mais meu minha "
            "seu sua não está este esta isso quando porque obrigado posso também onde você"
        )
    ),
    "de": frozenset(
        _words(
            "der die das und ist nicht ein eine zu den mit von sich des auf für im dem ich sie "
            "es wir wie auch aber bitte kann mein meine haben wird oder wenn noch danke"
        )
    ),
    "fr": frozenset(
        _words(
            "le la les des et est un une du en que qui pour dans pas ne sur au aux avec ce cette "
            "je vous nous mais plus mon ma mes son sa comment merci peux aussi où"
        )
    ),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_MAX_WORDS = 200


_VOTES: dict[str, tuple[str, ...]] = {}
for _language in LANGUAGES:
    for _word in _STOPWORDS[_language]:
        _VOTES[_word] = (*_VOTES.get(_word, ()), _language)


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the language with most stopword hits, or ``und``.

    Only the first 200 words are read (enough for a stable vote, bounded cost). Ties go
    to the language listed first in :data:`LANGUAGES`; no hit at all gives ``und``.
    """
    hits = dict.fromkeys(LANGUAGES, 0)
    for word in _WORD.findall(text.lower())[:_MAX_WORDS]:
        for language in _VOTES.get(word, ()):
            hits[language] += 1
    best = max(LANGUAGES, key=hits.__getitem__)
    return best if hits[best] > 0 else UNDETERMINED
