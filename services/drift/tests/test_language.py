"""Language identification from stopword profiles."""

from __future__ import annotations

import pytest

from drift.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How can I change the address of my order? It is wrong.", "en"),
        ("Come posso cambiare l'indirizzo del mio ordine? Non è corretto.", "it"),
        ("¿Cómo puedo cambiar la dirección de mi pedido? Está mal.", "es"),
        ("Como posso mudar o endereço da minha encomenda? Não está certo.", "pt"),
        ("Wie kann ich die Adresse meiner Bestellung ändern? Sie ist nicht richtig.", "de"),
        ("Comment puis-je changer l'adresse de ma commande ? Elle n'est pas correcte.", "fr"),
        ("IBAN DE89370400440532013000 1234 5678", "und"),
        ("", "und"),
    ],
)
def test_language_of_short_texts(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_only_the_first_words_are_read() -> None:
    text = "the and is of to " * 100 + "il la di che è " * 500

    assert detect_language(text) == "en"
