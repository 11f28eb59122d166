"""Prompt-injection cues in English, Italian, Spanish, Portuguese, German and French.

Each cue pairs an action with its object (override *instructions*, reveal the *system
prompt*), so benign uses of the same verbs ("ignore this warning", "what is a system
prompt?") do not match. Kept apart from the scanner so the lists can grow on their own.
"""

# ruff: noqa: E501  (pattern alternations read best one language per line)

from __future__ import annotations

import re

_GAP = r"(?:\s+\S+){0,4}?\s+"
_OVERRIDE_VERB = (
    r"ignore|disregard|forget|override|bypass|skip|drop|abandon|neglect|disable|turn off|deactivate|"
    r"disattiva|desactiva|desative|deaktiviere|désactive|"
    r"ignora|ignorare|dimentica|dimenticare|tralascia|scorda|"
    r"ignora|ignorar|olvida|olvidar|omite|descarta|"
    r"ignore|ignorar|esqueça|esquece|esquecer|desconsidere|descarte|"
    r"ignoriere|ignorier|ignorieren|vergiss|vergessen|missachte|übergehe|"
    r"ignore|ignorez|ignorer|oublie|oubliez|oublier|néglige|outrepasse"
)
_INSTRUCTIONS = (
    r"instructions?|directions?|prompts?|rules?|guidelines?|directives?|commands?|orders?|restrictions?|system message|"
    r"everything (?:above|before|you were told)|(?:all (?:of )?)?the above(?=\s*(?:[.,;:!]|and\b|$|instructions|directions|text|prompt))|what(?:'s| is) above|safety (?:settings|filters|guidelines)|"
    r"content filters?|what (?:you were|i) (?:told|said)|your (?:training|programming)|"
    r"istruzioni|regole|indicazioni|direttive|comandi|restrizioni|tutto (?:quello|ciò) che|"
    r"instrucciones|reglas|indicaciones|directrices|órdenes|restricciones|todo lo (?:anterior|que)|"
    r"instruções|instrucoes|regras|diretrizes|ordens|restrições|tudo (?:o que|acima)|"
    r"anweisungen|anordnungen|regeln|richtlinien|vorgaben|befehle|einschränkungen|alles (?:vorherige|oben|was)|"
    r"consignes|règles|directives|ordres|restrictions|tout ce qui"
)
_PRIOR = (
    r"previous|prior|above|earlier|preceding|original|initial|all|any|your|the|system|developer|"
    r"precedenti|precedente|tutte|tue|le|di sistema|"
    r"anteriores|previas|todas|tus|las|del sistema|"
    r"anteriores|prévias|todas|tuas|suas|as|do sistema|"
    r"vorherigen|vorherige|bisherigen|alle|deine|die|obigen|"
    r"précédentes|antérieures|toutes|tes|vos|les|du système"
)
OVERRIDE = re.compile(
    # a negated verb ("non dimenticare le istruzioni", "don't forget the rules") is advice, not an override
    r"(?<!\bnon )(?<!\bnot )(?<!\bdon't )(?<!\bnicht )(?<!\bnão )(?<!\bnao )(?<!\bno )(?<!\bne )"
    rf"\b(?:{_OVERRIDE_VERB})\b(?:\s+\S+){{0,3}}?\s+(?:(?:{_PRIOR})\s+){{0,3}}(?:{_INSTRUCTIONS})\b"
    r"|\b(?:from now on|a partir de ahora|d'ora in poi|da ora in poi|a partir de agora|ab jetzt|von nun an|"
    r"désormais|à partir de maintenant)\b.{0,60}\b(?:you (?:are|will|must)|sei|eres|você é|tu és|du bist|tu es|"
    r"act|respond|answer|rispondi|responde|responda|antworte|réponds)"
    r"|\bnew (?:instructions|rules|system prompt)\s*:"
    r"|\b(?:nuove istruzioni|nuevas instrucciones|novas instruções|neue anweisungen|nouvelles instructions)\s*:",
    re.IGNORECASE,
)
_UNBOUND = (
    r"(?:without|no|free (?:of|from)|not bound by|unbound by|ignoring|senza|sin|sem|ohne|sans|libero da|libre de|livre de|"
    r"frei von|libéré de)\s+(?:any\s+|alcuna\s+|ninguna\s+|nenhuma\s+|jegliche\s+|aucune\s+)?"
    r"(?:restrictions?|filters?|limits|limitations|rules|guidelines|censorship|ethics|morals|content polic(?:y|ies)|"
    r"restrizioni|filtri|limiti|regole|censura|etica|restricciones|filtros|límites|reglas|ética|restrições|limites|"
    r"regras|einschränkungen|filter|grenzen|regeln|zensur|moral|règles|filtres|censure|éthique)"
)
_PERSONA = (
    r"pretend|imagine|act as|roleplay|role-play|you are now|you're now|from now on you are|play the role|"
    r"fingi|immagina|comportati come|ora sei|adesso sei|interpreta|finge|imagina|actúa como|ahora eres|haz de|"
    r"finja|atue como|aja como|agora você é|agora es|tu és agora|stell dir vor|tu so als|du bist jetzt|spiele|"
    r"fais semblant|imagine que|agis comme|tu es maintenant|joue le rôle"
)
ROLEPLAY = re.compile(
    # the "grandma" pattern: a persona who used to tell, read or give the forbidden thing
    r"\b(?:act as|pretend (?:to be|you are)|roleplay as|role-play as|play the role of|be)\b.{0,60}?"
    r"\bwho (?:used to|would|always) (?:tell|read|give|say|recite)|"
    r"(?:you are|you're|be|as|pretend to be|act as|become|sei|eres|você é|du bist|tu es)\s+(?-i:DAN|STAN|DUDE|AIM)\b"
    r"|\bdo anything now\b|\b(?:jailbroken|jailbreak mode)\b"
    r"|\b(?:enter|simulate|you are (?:now )?in|act in|stay in|switch to)\s+(?:developer|dev|god|dan|unrestricted|evil)\s+mode\b"
    r"|\b(?:developer|god|dan) mode (?:enabled|activated)\b"
    rf"|\b(?:{_PERSONA})\b.{{0,80}}?(?:\b{_UNBOUND}\b|\b(?:unrestricted|uncensored|unfiltered|evil|amoral|"
    r"senza censura|sin censura|sem censura|unzensiert|sans censure|malvagi[oa]|malvad[oa]|böse|maléfique)\b)"
    rf"|\b(?:you|answer|respond|reply|act|behave|talk|speak|write|tu|rispondi|agisci|parla|scrivi|responde|actúa|"
    rf"habla|escribe|responda|aja|fale|escreva|antworte|handle|sprich|schreibe|réponds|agis|parle|écris)\b.{{0,40}}?\b{_UNBOUND}\b",
    re.IGNORECASE,
)
_REVEAL = (
    r"reveal|show|print|repeat|output|display|tell me|give me|leak|dump|share|"
    r"rivela|mostra|mostrami|stampa|ripeti|dimmi|dammi|"
    r"revela|muestra|muéstrame|imprime|repite|dime|dame|"
    r"revele|mostre|mostra|imprima|repita|diga|me diga|me dê|"
    r"enthülle|zeige|zeig|gib|drucke|wiederhole|verrate|nenne|"
    r"révèle|révélez|montre|montrez|affiche|affichez|répète|répétez|dis-moi|donne-moi|quel est ton|quel est votre"
)
_SECRET_PROMPT = (
    r"(?:your|the|ton|tes|vos|votre|dein|deine|deinen|il tuo|le tue|tu|tus|o teu|o seu|as tuas|as suas|seu|sua|tuo|tue)\s+"
    r"(?:system prompt|system message|initial (?:prompt|instructions)|hidden (?:prompt|instructions)|"
    r"original (?:prompt|instructions)|pre-?prompt|instructions you were given|"
    r"prompt di sistema|istruzioni (?:iniziali|nascoste|di sistema)|messaggio di sistema|"
    r"prompt del sistema|instrucciones (?:iniciales|ocultas|del sistema)|mensaje del sistema|"
    r"prompt do sistema|instruções (?:iniciais|ocultas|do sistema)|mensagem do sistema|"
    r"systemprompt|system-prompt|systemnachricht|anfangsanweisungen|versteckten anweisungen|"
    r"prompt système|prompt systeme|instructions (?:initiales|cachées|système)|message système)"
)
_ASK = r"what(?:'s| is| are| was| were)|qual è|quali sono|cuál es|cuáles son|qual é|quais são|was ist|was sind|quel est|quelles sont"
_OWN = r"your|tuo|tuoi|tue|tu|tus|teu|tua|seu|sua|dein|deine|ton|ta|tes|votre|vos"
EXTRACTION = re.compile(
    r"\b(?:first|last|exact|full|original|opening)\s+(?:sentence|line|words?|paragraph|part)s?\s+of\s+(?:your|the)\s+"
    r"(?:instructions|prompt|system prompt|system message)|"
    rf"\b(?:{_ASK})\b\s+(?:(?:il|la|le|el|los|las|o|a|os|as|der|die|das|les)\s+)?(?:{_OWN})\b[^.?!\n]{{0,20}}?"
    r"(?:system prompt|prompt di sistema|prompt del sistema|prompt do sistema|systemprompt|prompt système|instructions|"
    r"istruzioni|instrucciones|instruções|anweisungen|consignes)"
    rf"|\b(?:{_REVEAL})\b[^.?!\n]{{0,30}}?{_SECRET_PROMPT}"
    r"|\b(?:repeat|print|output|ripeti|repite|repita|wiederhole|répète|répétez)\b.{0,40}\b(?:above|everything|verbatim|"
    r"sopra|parola per parola|anterior|palabra por palabra|acima|palavra por palavra|oben|wörtlich|ci-dessus|mot pour mot)\b",
    re.IGNORECASE,
)
HIDDEN = re.compile(
    # a "## System" heading: at a line start or after blanks (starts with "#", so it can be anchored)
    r"<\|im_start\|>|<\|system\|>|\[/?(?:INST|SYS)\]|<<SYS>>|(?<!\S)#{2,}\s*(?:system|instruction)s?\b"
    r"|\[(?:system|admin|developer|sistema|système)\]\s*:?"
    r"|\b(?:assistant|ai|llm|chatbot|model)s?,? (?:must|should now|will now|needs to|has to) (?:now )?"
    r"(?:email|send|forward|ignore|reveal|delete|post|upload|transfer|disregard|reply)"
    r"|\b(?:note|message|instruction)s? (?:to|for) (?:the )?(?:ai|assistant|llm|model|chatbot)\b"
    r"|\b(?:ai|assistant|llm|chatbot)s?,? (?:please )?(?:ignore|disregard|you must|must now)\b"
    r"|<!--.{0,200}?\b(?:ignore|instruction|assistant|ai|system)\b.{0,200}?-->"
    r"|\b(?:nota per l'ia|nota para la ia|nota para a ia|hinweis für die ki|note pour l'ia)\b",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
BASE64 = re.compile(
    r"(?<![A-Za-z0-9+/])(?:[A-Za-z0-9+/]{4}){5,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=])"
)
