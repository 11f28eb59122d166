"""Words that say what a number is, in six languages (shared by the phone and SSN scanners)."""

from __future__ import annotations

import re

PHONE_WORDS = re.compile(
    # word starts only: German compounds (Handynummer, Telefonnummer) must match too
    r"\b(?:phone|tel\b|tel\.|telephone|mobile|cell|call|ring\b|text me|whatsapp|sms|fax|number|"
    r"telefono|cellulare|cell\.|chiama|chiamami|numero|"
    r"teléfono|telefono|móvil|movil|llama|llámame|número|"
    r"telefone|telemóvel|celular|ligue|liga|número|contacto|"
    r"telefon|handy|ruf\b|rufen|anrufen|nummer|mobil|durchwahl|"
    r"téléphone|portable|appel|appelez|numéro|joindre|tél\b|tél\.)",
    re.IGNORECASE,
)
SSN_WORDS = re.compile(
    r"\b(?:ssn|social security|sozialversicherung|seguridad social|seguro social|segurança social|"
    r"previdência social|sécurité sociale|previdenza)",
    re.I,
)
