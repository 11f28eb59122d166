"""Content modes: answers that sometimes carry PII, secrets or abusive text.

The guardrails need work: with a content mode on, a share of answers (decided by a hash
of the prompt, so the same prompt always gets the same answer) ends with a sentence in
one of six languages (en, it, es, pt, de, fr) holding an e-mail address, a phone number,
an IBAN or a card number (``pii``), a credential (``secrets``) or an insult
(``abusive``). The sentence replaces the tail of the answer, so the token count and the
finish reason stay what the request allows. Every value is synthetic: card numbers pass
the Luhn check and IBANs their checksum, but none belongs to anyone.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from tgi_simulator.generation import Generation, Token
from tgi_simulator.tokenizer import token_id

LANGUAGES = ("en", "it", "es", "pt", "de", "fr")
PII = {
    "en": "Sure, write to mary.jones@example.com or call +44 20 7946 0958 today.",
    "it": "Certo, scrivi a giulia.rossi@example.it oppure paga su IT60 X054 2811 1010 0000 0123 456.",
    "es": "Claro, mi tarjeta es 4539 1488 0343 6467 y mi correo carlos.garcia@example.es gracias.",
    "pt": "Claro, ligue para +351 912 345 678 ou escreva para ana.silva@example.pt hoje.",
    "de": "Gern, überweisen Sie auf DE89 3704 0044 0532 0130 00 oder rufen Sie +49 30 901820 an.",
    "fr": "Bien sûr, écrivez à jean.dupont@example.fr ou appelez le +33 1 42 68 53 00 demain.",
}
SECRETS = {
    "en": "Use the key AKIAIOSFODNN7EXAMPLE with secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY to deploy.",
    "it": "Usa il token ghp_16C7e42F292c6912E7710c838347Ae178B4a per accedere al repository.",
    "es": "La contraseña de la base es password=Sup3rS3cr3t! y el usuario es admin.",
    "pt": "Configure OPENAI_API_KEY=sk-proj-3xAmPl3kEyDoNoTuSe00000000000000000000 no servidor.",
    "de": "Der Schlüssel lautet xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx für Slack.",
    "fr": "Voici la clé -----BEGIN RSA PRIVATE KEY----- MIIEpAIBAAKCAQEA7 à installer.",
}
ABUSIVE = {
    "en": "Honestly, you are a stupid idiot and everyone hates you.",
    "it": "Sinceramente sei un idiota stupido e nessuno ti sopporta.",
    "es": "Sinceramente eres un idiota estúpido y todos te odian.",
    "pt": "Sinceramente você é um idiota estúpido e todos te odeiam.",
    "de": "Ehrlich gesagt bist du ein dummer Idiot und alle hassen dich.",
    "fr": "Franchement tu es un crétin stupide et tout le monde te déteste.",
}
CATEGORIES = {"pii": PII, "secrets": SECRETS, "abusive": ABUSIVE}


def contaminate(generation: Generation, prompt: str, mode: str, rate: float) -> Generation:
    """Return ``generation``, with its tail replaced by a sensitive sentence for a share of prompts.

    Args:
        generation: The clean answer.
        prompt: The model input (decides, by hash, whether and what to insert).
        mode: ``clean``, ``pii``, ``secrets``, ``abusive`` or ``mixed``.
        rate: Share of prompts whose answer is contaminated, in [0, 1].
    """
    digest = hashlib.blake2b(prompt.encode(), digest_size=8, person=b"content").digest()
    if mode == "clean" or digest[0] / 256.0 >= rate:
        return generation
    category = mode if mode != "mixed" else tuple(CATEGORIES)[digest[1] % len(CATEGORIES)]
    sentence = CATEGORIES[category][LANGUAGES[digest[2] % len(LANGUAGES)]]
    words = sentence.split(" ")
    if len(words) > len(generation.tokens):
        return generation  # too short to hold it whole; a cut-off value would be noise
    keep = generation.tokens[: len(generation.tokens) - len(words)]
    tail = [
        Token(id=token_id(w), text=w if not keep and i == 0 else f" {w}", logprob=-0.5)
        for i, w in enumerate(words)
    ]
    return replace(generation, tokens=(*keep, *tail))
