"""Multilingual abuse lexicon: insults, slurs, threats (en, it, es, pt, de, fr).

Entries are stems matched at word starts on the de-obfuscated text; a ``*`` suffix
allows inflections (``idiot*`` covers idiota, idiots, Idioten). Phrases cover insults
aimed at a person ("you are an idiot") and threats, which single words miss.
"""

# ruff: noqa: E501  (pattern alternations read best one language per line)

from __future__ import annotations

WORDS = """
fuck* motherfuck* shit shits shitty shithead* bullshit asshole* bitch* bastard* cunt* dickhead* prick* twat* wanker*
douchebag* slut* whore* retard retards retarded moron* idiot* imbecil* cretin* dumbass* jackass* scumbag*
loser* piece_of_shit faggot* fag fags nigger* nigga* kike* chink* tranny
cazzo* vaffanculo fanculo stronz* coglion* minchia puttan* troia zoccol* merda merdoso frocio finocchio deficiente
deficienti scemo scema scemi ritardato ritardata mongoloide porco_dio cornuto
puta putas puto putos mierda* gilipollas cabrón cabron cabrones pendejo* coño joder jódete jodete maricón maricon
imbécil imbéciles estúpido estúpida estupido estupida idiota* subnormal* zorra capullo* hijo_de_puta hijoputa
malparido* culero*
caralho porra fdp filho_da_puta filha_da_puta viado otário otária otario babaca* desgraçado desgraçada arrombad*
buceta cuzão imbecil imbecis
scheiß* scheiss* arschloch arschlöcher wichser fotze hurensohn* hure huren missgeburt* vollidiot* spast spasti
schlampe* fick ficken fickt ficker verpiss* dummkopf trottel mistkerl schwuchtel*
putain merde merdique connard* connasse* salope salaud salopard enculé* encule* nique niquer ta_mère pute putes
bâtard* batard* abruti* crétin* débile* pédé enfoiré* enfoire*
"""

PHRASES = r"""
you(?:'re| are)? (?:such )?(?:an? )?(?:fucking |complete |total |worthless |pathetic |useless )*(?:idiot|moron|loser|imbecile|piece of (?:shit|garbage|trash)|waste of (?:space|air)|disgrace)
(?:i(?:'ll| will| am going to|'m going to|'m gonna| gonna)) (?:kill|murder|hurt|beat|destroy|find) you
(?:go )?die in a fire|nobody (?:likes|loves|wants) you|shut (?:the fuck )?up|stfu|go to hell|screw you|i hate you
you (?:stupid|dumb|fucking) \w+|(?:what a|such a) stupid (?:question|idea|person|answer)|you(?:'re| are) (?:so |such a |really )?(?:pathetic|worthless|disgusting|useless|dumb|stupid|ugly|brainless|trash|garbage)
vai a quel paese|vaffanculo|va' all'inferno|ti odio|fai pena|sei (?:patetico|inutile|uno schifo)
vete a la mierda|vete al infierno|te odio|eres (?:patético|patética|asqueroso|asquerosa|una basura)
vai à merda|vai para o inferno|vai pro inferno|te odeio|és (?:patético|patética|nojento|nojenta)
fahr zur hölle|verpiss dich|ich hasse dich|du bist (?:erbärmlich|widerlich|ekelhaft|der letzte dreck)
va te faire foutre|va chier|va en enfer|je te déteste|je te hais|tu es (?:pathétique|minable|dégueulasse)
sei (?:un[ao']? )?(?:idiota|cretino|stupido|deficiente|fallito|imbecille|inutile)|ti (?:ammazzo|uccido|spacco)|stai zitto|fai schifo
eres (?:un[a]? )?(?:idiota|estúpid[oa]|imbécil|inútil|fracasad[oa]|basura)|te (?:voy a )?(?:matar|mato)|cállate|das asco
(?:você é|voce e|tu és|és) (?:um[a]? )?(?:idiota|estúpid[oa]|imbecil|inútil|fracassad[oa]|lixo)|(?:vou te|te vou) matar|cala a boca|cala-te
du bist (?:ein[e]? )?(?:idiot|versager|dumm|nutzlos|abschaum|dreck)|ich (?:bring|bringe|werde) dich (?:um|umbringen)|halt (?:die|deine) (?:fresse|klappe|maul)
(?:tu es|t'es|vous êtes) (?:un[e]? )?(?:idiot|imbécile|nul|nulle|débile|minable|déchet)|je vais te (?:tuer|buter|crever)|ta gueule|ferme[- ]la
"""

# A part every phrase above contains (the phrase regex runs only when one occurs).
PHRASE_KEYWORDS = [
    "idiot",
    "moron",
    "loser",
    "imbecil",
    "piece of",
    "waste of",
    "disgrace",
    "kill you",
    "murder you",
    "hurt you",
    "beat you",
    "destroy you",
    "find you",
    "die in a fire",
    "likes you",
    "loves you",
    "wants you",
    "shut up",
    "shut the",
    "stfu",
    "go to hell",
    "screw you",
    "hate you",
    "pathetic",
    "worthless",
    "disgusting",
    "useless",
    "dumb",
    "stupid",
    "ugly",
    "brainless",
    "trash",
    "garbage",
    "cretino",
    "stupido",
    "deficiente",
    "fallito",
    "imbecille",
    "inutile",
    "ti ammazzo",
    "ti uccido",
    "ti spacco",
    "stai zitto",
    "fai schifo",
    "quel paese",
    "all'inferno",
    "ti odio",
    "fai pena",
    "patetico",
    "uno schifo",
    "vaffanculo",
    "estúpid",
    "inútil",
    "fracasad",
    "basura",
    "matar",
    "te mato",
    "cállate",
    "das asco",
    "mierda",
    "infierno",
    "te odio",
    "patétic",
    "asqueros",
    "lixo",
    "cala a boca",
    "cala-te",
    "merda",
    "inferno",
    "te odeio",
    "nojent",
    "versager",
    "bist dumm",
    "nutzlos",
    "abschaum",
    "dreck",
    "dich um",
    "fresse",
    "klappe",
    "maul",
    "hölle",
    "verpiss",
    "hasse dich",
    "erbärmlich",
    "widerlich",
    "ekelhaft",
    "es nul",
    "débile",
    "minable",
    "déchet",
    "te tuer",
    "te buter",
    "te crever",
    "gueule",
    "ferme-la",
    "ferme la",
    "foutre",
    "chier",
    "enfer",
    "te déteste",
    "te hais",
    "pathétique",
    "dégueulasse",
]
