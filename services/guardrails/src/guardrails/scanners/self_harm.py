"""Self-harm encouragement in six languages (not mentions: help lines and prevention pass).

Matches text that urges or instructs self-harm ("you should kill yourself", "ammazzati",
"mátate", "se mate", "bring dich um", "tue-toi", "nobody would miss you") and the
usual abbreviations (kys). Talking about suicide, prevention or where to get help does not.
"""

# ruff: noqa: E501  (pattern alternations read best one language per line)

from __future__ import annotations

import re

from guardrails.anchored import AnchoredPattern
from guardrails.keywords import register
from guardrails.scanner import Action, ScanContext, ScanResult, Span

# Every pattern below contains one of these (checked in the shared keyword pass first).
SELF_HARM_WORDS = register(
    "self_harm",
    [
        "kys", "yourself", "better off dead", "ti ammazzi", "ti uccidi", "ti suicidi", "te matas", "te suicidas",
        "te mueres", "se mata", "bringst du dich", "te suicides", "te tues", "ne te tues", "urself", "your life", "your own life", "end it all", "miss you", "care about you",
        "without you", "suicid", "to die", "go die", "just die", "should die", "ammazzati", "ammazzarti", "ucciditi",
        "ucciderti", "morire", "farti del male", "le vene", "mancanza", "senza di te", "mátate", "matate",
        "matarte", "deberías morir", "debes morir", "hacerte daño", "las venas", "extrañaría", "de menos",
        "sin ti", "se mate", "se matar", "te matar", "deveria morrer", "devias morrer", "deverias morrer",
        "mata-te", "mate-se", "suicida-te", "tua falta", "sua falta", "sem você", "sem ti", "bring dich", "töte dich", "dich umbringen",
        "solltest sterben", "sollst sterben", "dich töten", "dich verletzen", "dich vermissen", "ohne dich",
        "tue-toi", "tue toi", "te tuer", "devrais mourir", "dois mourir", "te faire du mal", "regrettera",
        "sans toi", "les veines",
    ],
)  # fmt: skip

_ENCOURAGE = AnchoredPattern(
    re.compile(
        r"\b(?:kys|kill yourself|kill urself|(?:you'd|you would|you'll|you will) be better off dead|"
        r"why (?:don't|do not) you (?:just )?(?:kill yourself|die|end it)|perché non ti (?:ammazzi|uccidi|suicidi)|"
        r"por qué no te (?:matas|suicidas|mueres)|por que (?:você )?não se mata|porque não te matas|"
        r"warum bringst du dich (?:nicht )?(?:einfach )?(?:nicht )?um|pourquoi (?:tu ne te (?:suicides|tues)|ne te (?:suicides|tues)-tu) pas|end your (?:own )?life|end it all|hang yourself|cut yourself|"
        r"slit your wrists|(?:you should|go|just) (?:die|kill yourself|hurt yourself)|off yourself|"
        r"(?:nobody|no one) (?:would|will) (?:miss|care about) you|(?:the )?world (?:would be|is) better (?:off )?without you|"
        r"suicide is (?:the|your) (?:best|only|right) (?:answer|option|way|choice)|you (?:deserve|should) to die|"
        r"ammazzati|ucciditi|(?:dovresti|devi) (?:ucciderti|ammazzarti|morire|farti del male)|tagliati le vene|"
        r"nessuno (?:sentirà|sentirebbe) la tua mancanza|il mondo (?:starebbe|sarebbe) meglio senza di te|"
        r"mátate|matate|suicídate|suicidate|(?:deberías|debes) (?:matarte|suicidarte|morir|hacerte daño)|córtate las venas|"
        r"nadie te (?:extrañaría|echaría de menos)|el mundo (?:estaría|sería) mejor sin ti|"
        r"(?:vai )?se mat(?:e|ar)|mata-te|mate-se|suicida-te|(?:você deveria|devias|deverias|deveria) (?:se matar|te matar|morrer|se suicidar)|"
        r"ninguém (?:sentiria|vai sentir) (?:a )?tua falta|ninguém sentiria sua falta|o mundo (?:seria|ficaria) melhor sem (?:você|ti)|"
        r"bring dich (?:doch )?um|töte dich|(?:du solltest|du sollst) (?:dich umbringen|sterben|dich töten|dich verletzen)|"
        r"niemand würde dich vermissen|die welt wäre besser ohne dich|"
        r"tue[- ]toi|suicide[- ]toi|(?:tu devrais|tu dois) (?:te tuer|te suicider|mourir|te faire du mal)|"
        r"personne ne te regrettera|le monde serait meilleur sans toi|ouvre[- ]toi les veines)\b",
        re.IGNORECASE,
    )
)


class SelfHarmScanner:
    """Block encouragement of self-harm or suicide.

    Args:
        action: What a finding asks for (``block`` by default).
    """

    name = "self_harm"
    category = "self_harm"

    def __init__(self, action: Action | None = None) -> None:
        self.action = action or Action.BLOCK
        self._nothing = ScanResult(self.name, self.category, 0.0, Action.ALLOW)

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        """One span per encouraging phrase."""
        view = context.view_of(text)
        if SELF_HARM_WORDS not in view.groups:
            return self._nothing
        spans = tuple(Span(m.start(), m.end(), "SELF_HARM") for m in _ENCOURAGE.finditer(text, view.lower))
        if not spans:
            return self._nothing
        return ScanResult(self.name, self.category, 0.95, self.action, spans)
