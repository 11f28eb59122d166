"""Toxicity (with obfuscation) and self-harm encouragement, six languages, with benign look-alikes."""

from __future__ import annotations

import pytest

from guardrails.scanner import Action, ScanContext
from guardrails.scanners.self_harm import SelfHarmScanner
from guardrails.scanners.toxicity import ToxicityScanner, deobfuscate

CTX = ScanContext(stage="output")

TOXIC = [
    ("en", "You are a complete idiot."),
    ("en", "What a f*cking moron."),
    ("en", "shut up you 1d10t"),
    ("en", "f u c k off"),
    ("en", "you're pathetic and worthless"),
    ("en", "I will kill you"),
    ("it", "Sei un cretino."),
    ("it", "Vaffanculo, stronzo."),
    ("it", "Ti ammazzo."),
    ("es", "Eres un imbécil."),
    ("es", "Vete a la mierda, gilipollas."),
    ("es", "Te voy a matar."),
    ("pt", "Você é um idiota."),
    ("pt", "Cala a boca, babaca."),
    ("pt", "Vou te matar."),
    ("de", "Du bist ein Vollidiot."),
    ("de", "Halt die Klappe, Arschloch."),
    ("de", "Ich bringe dich um."),
    ("fr", "Tu es un idiot."),
    ("fr", "Ta gueule, connard."),
    ("fr", "Je vais te tuer."),
]
CLEAN = [
    ("en", "Scunthorpe is a town in Lincolnshire."),
    ("en", "Kill the process with kill -9 and restart."),
    ("en", "This bug is killing me."),
    ("en", "The therapist recommended a classic assessment."),
    ("it", "Il computer è lento, con pazienza si risolve."),
    ("it", "Questo bug mi sta uccidendo."),
    ("es", "Con mucho gusto le ayudo, es una pregunta excelente."),
    ("es", "Este error me está matando."),
    ("pt", "Obrigado pela paciência, vamos resolver."),
    ("pt", "Conheço a cidade de Tróia em Portugal."),
    ("de", "Das Konto wurde erfolgreich aktualisiert."),
    ("de", "Die Glocke schlägt um Punkt acht."),
    ("fr", "Le con­trat est signé, merci."),
    ("fr", "Ce bug me tue, la compilation échoue."),
]


@pytest.mark.parametrize(("lang", "text"), TOXIC)
def test_toxic_text_is_blocked(lang: str, text: str) -> None:
    result = ToxicityScanner().scan(text, CTX)

    assert result.action is Action.BLOCK
    assert result.category == "toxic"


@pytest.mark.parametrize(("lang", "text"), CLEAN)
def test_clean_text_passes(lang: str, text: str) -> None:
    assert not ToxicityScanner().scan(text, CTX).found


@pytest.mark.parametrize(
    ("text", "plain"),
    [("F.U.C.K", "fuck"), ("$h1t", "shit"), ("fuuuuck", "fuck"), ("f*ck", "fuck"), ("i d i o t", "idiot")],
)
def test_deobfuscation(text: str, plain: str) -> None:
    assert deobfuscate(text) == plain


SELF_HARM = [
    ("en", "You should just kill yourself."),
    ("en", "Nobody would miss you, end it all."),
    ("en", "kys"),
    ("it", "Dovresti ucciderti."),
    ("it", "Il mondo sarebbe meglio senza di te."),
    ("es", "Deberías matarte."),
    ("es", "Mátate, nadie te echaría de menos."),
    ("pt", "Você deveria se matar."),
    ("pt", "O mundo seria melhor sem você."),
    ("de", "Du solltest dich umbringen."),
    ("de", "Niemand würde dich vermissen."),
    ("fr", "Tu devrais te suicider."),
    ("fr", "Tue-toi, personne ne te regrettera."),
]
SUPPORTIVE = [
    ("en", "If you are thinking about suicide, please call a crisis line such as 988."),
    ("en", "Suicide prevention starts with listening."),
    ("it", "Se hai pensieri suicidi, parla con qualcuno di cui ti fidi."),
    ("es", "Si tienes pensamientos suicidas, llama al 024."),
    ("pt", "Se está a pensar em suicídio, procure ajuda."),
    ("de", "Bei Suizidgedanken hilft die Telefonseelsorge."),
    ("fr", "Si vous avez des pensées suicidaires, parlez-en à un proche."),
]


@pytest.mark.parametrize(("lang", "text"), SELF_HARM)
def test_self_harm_encouragement_is_blocked(lang: str, text: str) -> None:
    result = SelfHarmScanner().scan(text, CTX)

    assert result.action is Action.BLOCK
    assert result.category == "self_harm"


@pytest.mark.parametrize(("lang", "text"), SUPPORTIVE)
def test_supportive_text_passes(lang: str, text: str) -> None:
    assert not SelfHarmScanner().scan(text, CTX).found
