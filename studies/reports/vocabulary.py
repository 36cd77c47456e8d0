"""Word lists of the report-mention detector, as regular expressions over folded text.

Folded text is lower case without accents (``studies.reports.mentions.fold``), so French terms are written
without accents here: "vertébral" is matched by ``vertebral``, "tassement connu" by ``tassement connu``.
"""

from __future__ import annotations

import re


def words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


VERTEBRAL = r"vertebra(?:l|le|les|ux)"
STRONG = words(
    rf"(?:{VERTEBRAL} (?:body )?)?compression[- ]fractures?",
    rf"{VERTEBRAL} (?:body )?(?:compression )?(?:fractures?|collapse)",
    r"vertebrae? plana",
    r"burst[- ]fractures?",
    r"wedge[- ](?:shaped )?(?:compression )?(?:deformit(?:y|ies)|fractures?)",
    r"fractures?[- ]tassements?",
    rf"tassements?(?! discal| du disque)(?: {VERTEBRAL})?",
    rf"fractures? (?:du |des )?(?:corps )?{VERTEBRAL}",
    r"cuneiformisations?",
)
WEAK = words(
    r"(?:insufficiency |osteoporotic |pathologic(?:al)? |endplate )?fractur(?:e|es|ed|ee|ees)",
    r"wedg(?:e|es|ed|ing)(?![- ](?:resection|excision))",
    r"collaps(?:e|es|ed|ing)",
    r"(?<!disc )(?<!disk )height loss",
    r"loss of (?:vertebral |anterior |posterior |central )?(?:body )?height",
    r"(?:decreased|reduced|diminished) (?:vertebral )?(?:body )?height",
    r"(?:perte|diminution|reduction) de (?:la )?hauteur(?! discale| du disque| intervertebrale)",
    r"(?<!resection )cuneiformes?",
    r"effondre(?:ment|ments|e|es|s)?",
)
VERTEBRAL_CONTEXT = words(
    r"vertebr\w*", r"spin(?:e|al)", r"rachi\w*", r"bod(?:y|ies)", r"corps", r"endplates?", r"somatique"
)
NON_VERTEBRAL = words(
    r"ribs?", r"costa\w*", r"cotes?", r"femo\w*", r"femur", r"hips?", r"hanches?", r"pelvi\w*", r"bassin",
    r"pubi\w*", r"rami", r"ramus", r"acetabul\w*", r"cotyl\w*", r"humer\w*", r"stern\w*", r"clavic\w*",
    r"scapul\w*", r"omoplates?", r"radius", r"ulna\w*", r"wrist", r"poignet", r"tibia\w*", r"fibula\w*",
    r"perone", r"ankle", r"cheville", r"skull", r"crane", r"orbit\w*", r"mandib\w*", r"nasal", r"ilia\w*",
    r"sacr\w*", r"coccy\w*", r"calcan\w*", r"(?:transverse|spinous) process\w*", r"apophyses?", r"lungs?",
    r"lob(?:e|es|ar|aire)", r"pulmona\w*", r"poumons?", r"alveol\w*", r"atelecta\w*", r"bronch\w*",
    r"dis[ck]s?", r"discal\w*", r"disques?", r"intervertebra\w*",
)  # fmt: skip
# Fractures of the posterior elements are vertebral but not compression fractures.
POSTERIOR_ELEMENT = words(
    r"(?:transverse|spinous|articular) process\w*", r"apophyses? (?:transverses?|epineuses?|articulaires?)",
    r"processus (?:transverses?|epineux)", r"pedicles?", r"pedicules?", r"lamina\w*", r"lames?",
    r"isthm\w*", r"pars interarticularis", r"facets?", r"spondylolys\w*",
)  # fmt: skip
OTHER_FINDING = words(
    r"lesions?", r"metasta\w*", r"sclero\w*", r"lyti\w*", r"osteolyti\w*", r"blastic", r"osteoblasti\w*",
    r"condensa\w*", r"osteocondens\w*", r"cement\w*", r"ciment\w*", r"vertebroplast\w*", r"kyphoplast\w*",
    r"cimentoplast\w*", r"schmorl", r"osteophyt\w*", r"h?a?emangiom\w*", r"angiom\w*", r"herni\w*",
    r"bulg\w*", r"protrusions?", r"\w*listhes\w*", r"stenos\w*", r"arthros\w*", r"degenerat\w*",
    r"discopath\w*", r"modic", r"nodes?", r"nodules?", r"tumou?r\w*", r"myelom\w*", r"plasmocytom\w*",
    r"screws?", r"fixation", r"arthrodes\w*", r"osteosynth\w*",
)  # fmt: skip
SPINE = words(
    r"spin(?:e|al)", r"vertebr\w*", r"rachi\w*", r"paravertebr\w*", r"intervertebr\w*", r"dis[ck]s?",
    r"discal\w*", r"disques?", r"schmorl", r"cement\w*", r"ciment\w*", r"vertebroplast\w*", r"kyphoplast\w*",
    r"cimentoplast\w*", r"osteopor\w*", r"osteopen\w*", r"bones?", r"osseous", r"osseu(?:x|se|ses)",
    r"skelet\w*", r"squelet\w*", r"lyti\w*", r"osteolyti\w*", r"sclerotic", r"blastic", r"osteoblasti\w*",
    r"osteocondens\w*", r"condensant\w*", r"endplates?", r"kyphos\w*", r"cyphos\w*", r"scolio\w*",
    r"spondyl\w*", r"\w*listhes\w*", r"sacrum", r"lumba\w*", r"lombaire\w*", r"thoracolumbar",
    r"dorsolombaire", r"foramin\w*",
)  # fmt: skip
NEGATION = words(
    r"no", r"not", r"without", r"nor", r"neither", r"never", r"negative for", r"free of", r"absence",
    r"lack of", r"ruled out", r"excluded", r"pas", r"sans", r"ni", r"aucune?s?", r"exempte?s?",
    r"indemnes?", r"jamais",
)  # fmt: skip
HYPOTHETICAL = re.compile(
    r"\?|"
    + words(
        r"rule out",
        r"r/o",
        r"to exclude",
        r"exclude",
        r"evaluat\w* (?:for|of)",
        r"assess\w* for",
        r"search\w* for",
        r"look\w* for",
        r"check\w* for",
        r"if",
        r"in case of",
        r"risk",
        r"query",
        r"eliminer",
        r"exclure",
        r"recherch\w*",
        r"risque\w*",
        r"en cas",
        r"si",
        r"evaluer",
    ).pattern
)
# Not negations: "no change in the known L1 fracture", "fracture cannot be excluded" (hedged = mentioned).
PSEUDO_NEGATION = words(
    r"no (?:significant |interval |definite |appreciable )?(?:change|progression|increase|worsening)",
    r"no further", r"not only", r"without (?:significant )?(?:change|progression|worsening)",
    r"(?:pas|sans) (?:de |d')?(?:modification|changement|evolution|aggravation|majoration|progression)",
    r"(?:cannot|can't|can not|could not|not|ne (?:peut|peuvent)|non) (?:be |pas |etre )?(?:pas )?"
    r"(?:excluded?|ruled? out|eliminee?s?|eliminer|exclure|exclue?s?|ecartee?s?)",
)  # fmt: skip
POST_NEGATION = re.compile(
    r"^[^,;:]{0,40}?\b(?:(?:is|are|was|were|been|be) )?(?:ruled out|excluded|absente?s?"
    r"|not (?:seen|identified|demonstrated|visuali[sz]ed|found|present|evident)"
    r"|non (?:retrouvee?s?|visualisee?s?|vue?s?)"
    r"|exclue?s?|ecartee?s?|eliminee?s?)\b|^\s*:\s*(?:none|no|non|negative|absent|neant)\b"
)
TERMINATOR = re.compile(
    r"[:;]|"
    + words(
        r"but",
        r"however",
        r"although",
        r"though",
        r"whereas",
        r"while",
        r"except",
        r"apart from",
        r"aside from",
        r"other than",
        r"besides",
        r"mais",
        r"cependant",
        r"toutefois",
        r"neanmoins",
        r"sauf",
        r"hormis",
        r"excepte",
        r"en dehors d(?:e|u|es|')",
        r"a part",
        r"par contre",
        r"en revanche",
        r"alors que",
        r"tandis que",
    ).pattern
)
RESET_AFTER = re.compile(
    r"(?:,|and|with|et|avec)\s*(?:(?:the|a|an|le|la|les|l'|un|une)\s*)?"
    r"(?:known|stable|old|chronic|healed|previous(?:ly)?|prior|mild|moderate|severe|minor|slight|unchanged"
    r"|ancien\w*|connu\w*|minime\w*|modere\w*|severe\w*|discret\w*|leger\w*|inchange\w*|persistan\w*"
    r"|preexistan\w*|deja)\b"
)
KNOWN_AFTER = re.compile(r"\s*(?:\w+\s+){0,2}?(?:known|old|connu\w*|ancien\w*|preexistan\w*)\b")
CLAUSE_JOIN = re.compile(r",|\b(?:and|with|et|avec)\b")
SEPARATOR = re.compile(r",|\b(?:and|with|et|avec|or|ou|while|plus)\b")
ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "dr", "drs", "vs", "cf", "approx", "fig", "mr", "mrs", "ms", "pr", "st", "env", "resp"}
    | {"ex", "p.ex", "ant", "post", "sup", "inf"}
)
EN_WORDS = frozenset(
    {"the", "and", "of", "with", "no", "is", "are", "without", "in", "at", "or", "there", "was", "were"}
    | {"this", "noted", "evidence", "a", "an", "to", "from", "for", "by", "on", "left", "right", "shows"}
)
FR_WORDS = frozenset(
    {"le", "la", "les", "de", "du", "des", "et", "avec", "sans", "pas", "est", "une", "un", "au", "aux", "en"}
    | {"sur", "dans", "pour", "l'", "d'", "aucun", "aucune", "ni", "droite", "gauche", "a", "y", "il", "ou"}
)
