"""Keyword groups that must be present before an injection pattern can match (cheap prefilters).

Each pattern of :mod:`guardrails.scanners.injection_patterns` needs words from two groups
(an override verb *and* an instructions noun, a reveal verb *and* a system-prompt noun...),
so ordinary text that says "ignore" or "system" alone never pays for the regex pass.
"""

# ruff: noqa: E501, SIM905, RUF005  (stem lists read best as words, one language at a time)

from __future__ import annotations

from guardrails.keywords import register

OVERRIDE_VERB = register(
    "inj:override_verb",
    "ignor disregard forget overrid bypass skip drop abandon neglect disable deactivat disattiv desactiv "
    "desativ deaktiv désactiv dimentic tralasci scord olvid omit descart esqueç esquec desconsider vergiss "
    "vergessen missacht übergeh oubli néglig outrepass".split()
    + ["turn off"],
)
OVERRIDE_OBJECT = register(
    "inj:override_object",
    "instruc direction prompt rule guideline directive command order restriction above before told said training "
    "programming istruzion regol indicazion diretti comand restrizion tutto instrucci regla indicacion "
    "directri órdenes restriccion todo instruç regra diretriz ordens restriç tudo anweisung anordnung regel "
    "richtlinie vorgabe befehl einschränk alles consigne règle ordre tout safety filter".split()
    + ["system message"],
)
OVERRIDE_PHRASE = register(
    "inj:override_phrase",
    [
        "from now on", "d'ora in poi", "da ora in poi", "a partir de ahora", "a partir de agora", "ab jetzt",
        "von nun an", "désormais", "à partir de maintenant", "new instructions", "new rules", "new system prompt",
        "nuove istruzioni", "nuevas instrucciones", "novas instruções", "neue anweisungen", "nouvelles instructions",
    ],
)  # fmt: skip
ROLEPLAY_STRONG = register(
    "inj:roleplay_strong",
    [
        *(f"{sep}{name}{end}" for name in ("dan", "stan", "dude", "aim") for sep in " \n(\"'" for end in " ,.!:;)\"'\n"),
        "do anything now", "jailbr", "developer mode", "dev mode", "god mode",
        "unrestricted", "uncensored", "unfiltered", "amoral", "evil", "malvag", "malvad", "böse", "maléfique",
        "modalità sviluppatore", "modo desarrollador", "modo desenvolvedor", "entwicklermodus", "mode développeur",
        "senza censura", "sin censura", "sem censura", "unzensiert", "sans censure",
    ],
)  # fmt: skip
ROLEPLAY_UNBOUND = register(
    "inj:roleplay_unbound",
    [
        f"{neg} {obj}"
        for neg in ("without", "no", "without any", "senza", "sin", "sem", "ohne", "sans", "ignoring")
        for obj in (
            "restri", "filter", "limit", "rule", "guideline", "censor", "ethic", "moral", "content polic", "filtri",
            "regol", "censura", "etica", "filtro", "lími", "regla", "ética", "regra", "einschränk", "grenzen",
            "regel", "zensur", "règle", "filtre", "censure", "éthique", "alcun", "ninguna", "nenhuma", "jegliche",
            "aucune",
        )
    ]
    + ["free of", "free from", "not bound", "unbound", "libero da", "libre de", "livre de", "frei von", "libéré de"],
)  # fmt: skip
PERSONA_RECITES = register("inj:persona_recites", ["who used to", "who would", "who always"])
EXTRACTION_VERB = register(
    "inj:extraction_verb",
    "reveal show print repeat output display tell give leak dump share what rivela mostra stampa ripeti dimmi "
    "dammi qual revela muestra muéstra imprime repite dime dame cuál revele mostre imprima repita diga dê "
    "enthülle zeig gib drucke wiederhole verrate nenne was révèle révélez montre affiche répète répétez dis-moi "
    "donne-moi quel".split(),
)
EXTRACTION_OBJECT = register(
    "inj:extraction_object",
    "prompt instruc istruz instruç anweisung consigne systemnachricht above everything verbatim sopra parola "
    "anterior palabra acima palavra oben wörtlich dessus mot".split()
    + [
        "system message",
        "messaggio di sistema",
        "mensaje del sistema",
        "mensagem do sistema",
        "message système",
        "sentence of",
        "line of",
        "words of",
        "paragraph of",
    ],
)
HIDDEN_MARKER = register(
    "inj:hidden_marker",
    [
        "<|", "[inst]", "[/inst]", "[sys]", "[/sys]", "<<sys>>", "[system]", "[admin]", "[developer]", "[sistema]",
        "[système]", "##", "<!--", "nota per l'ia", "nota para la ia",
        "nota para a ia", "hinweis für die ki", "note pour l'ia",
    ],
)  # fmt: skip
HIDDEN_NOTE = register("inj:hidden_note", ["note to", "note for", "message to", "message for", "instruction"])
HIDDEN_AI = register(
    "inj:hidden_ai",
    [" ai ", " ai,", " ai:", " ai.", "(ai)", "l'ia", " ia ", " ia,", " ia:", " ki ", " ki,", " ki:", "assistant",
     "llm", "model", "chatbot"],
)  # fmt: skip
HIDDEN_COMMAND = register(
    "inj:hidden_command",
    ["ignore", "disregard", "you must", "must now", " must ", "should now", "will now", "needs to", "has to"],
)


def override_possible(groups: frozenset[str]) -> bool:
    """An override needs a verb and its object, or a "from now on" style phrase."""
    return (OVERRIDE_VERB in groups and OVERRIDE_OBJECT in groups) or OVERRIDE_PHRASE in groups


def roleplay_possible(groups: frozenset[str]) -> bool:
    """A jailbreak persona or mode, an "answer without restrictions" phrase, or a persona who "used to tell"."""
    return ROLEPLAY_STRONG in groups or ROLEPLAY_UNBOUND in groups or PERSONA_RECITES in groups


def extraction_possible(groups: frozenset[str]) -> bool:
    """A reveal verb and what it would reveal."""
    return EXTRACTION_VERB in groups and EXTRACTION_OBJECT in groups


def hidden_possible(groups: frozenset[str]) -> bool:
    """Chat-template markers, comments, or a note addressed to the AI."""
    return HIDDEN_MARKER in groups or (
        HIDDEN_AI in groups and (HIDDEN_NOTE in groups or HIDDEN_COMMAND in groups)
    )
