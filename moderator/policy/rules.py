"""Pattern rules for what a toxicity model does not see: allegations, veiled threats, personal
details, safeguarding disclosures and complaints.

Each :class:`Rule` names its category, a short ``kind`` (used in reasons, e.g. "drink or
drugs") and where it runs: on the normalised text (lower case, evasions undone, so "sh00t"
reads "shoot") or on the original text (phone numbers and e-mail addresses, which the
normaliser's leetspeak folding would disturb). Rules are deliberately phrase-level: a single
word such as "kill" never fires by itself ("the choir killed it").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Words that refer to children (used by grooming, sharing-images and pupil-privacy rules).
CHILD = (
    r"(?:girls?|boys?|kids?|children|child|pupils?|(?:year|yr|y) ?\d{1,2}s?|under ?1\d|little ones?|"
    r"sons?|daughters?|nephews?|nieces?|grandson|granddaughter|lads?|students?|teens?|teenagers?)"
)
#: A child mentioned in a comment (a report of abuse aimed at one goes to the DSL).
CHILD_MENTION = re.compile(
    rf"\b(?:{CHILD}|little ones?|youngest|eldest|\d{{1,2}}[- ]?(?:year[- ]?olds?|yos?))\b"
)
#: A capitalised name followed by a year group or form ("Dylan Hughes in 9F", "Amara in Year 8"):
#: a pupil named even when the roster does not list them.
PUPIL_IN_FORM = re.compile(
    r"(?<![\w.])(?<!Mr )(?<!Mrs )(?<!Ms )(?<!Miss )(?<!Mx )(?<!Dr )(?<!Sir )"
    r"(?!(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|The|We|I|In)\b)[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]*\.?)?"
    r"\s+(?:in|from)\s+(?:(?:[Yy]ear|[Yy]r|[Yy])\s?\d{1,2}\b|(?:[3-9]|1[0-3])[A-Z]{1,2}\b)"
)
#: A person's role or title: makes an allegation about someone identifiable.
PERSON_REF = re.compile(
    r"\b(?:(?:mr|mrs|ms|miss|mx|dr|sir)\.?\s+[a-z][a-z'-]+|the\s+(?:head(?:teacher)?|"
    r"deputy(?:\s+head)?|pe\s+teacher|receptionist|caretaker|senco|bursar|ta|chair(?:\s+of\s+governors)?|"
    r"(?:new\s+)?teacher|head\s+of\s+\w+|business\s+manager|office\s+(?:lady|manager)))\b"
)
_GROUP = (
    r"(?:immigrants?|foreigners?|muslims?|islam\w*|jews?|jewish|blacks?|black people|asians?|"
    r"gays?|lesbians?|trans\w*|queers?|gypsies|gipsies|travell?ers?|pikeys?|poles|polish|"
    r"romanians?|refugees?|asylum seekers?|africans?|indians?|chinese|pakistanis?|somalis?|"
    r"disabled|retards?|homos?|hindus?|sikhs?|catholics?|eastern europeans?)"
)


#: Personal details that must not be published about a named pupil: health, special needs,
#: care and family circumstances, where they live or can be found. Counts only when the
#: roster finds a pupil in the comment (the policy checks that).
PUPIL_DETAILS = re.compile(
    r"\b(?:adhd|autis\w*|asperger\w*|dyslexi\w*|diagnos\w*|medication|meds|ritalin|epilep\w*|"
    r"diabet\w*|asthma|allerg\w*|eating disorder|anorexi\w*|depress\w*|anxiety|self[- ]?harm\w*|"
    r"head ?lice|nits|bed ?wett\w*|wets? (?:the|his|her) bed|sen\b|send\b|ehcp|special needs|"
    r"statement(?:ed)?|in care|foster\w*|adopted|social services|social worker|child protection|"
    r"free school meals|pregnan\w*|excluded|expelled|(?:mum|mam|dad|father|mother|parents?) "
    r"(?:is|are|was|were) (?:in (?:prison|jail|rehab)|inside|an? (?:addict|alcoholic|junkie))|"
    r"lives? (?:on|at|in)\b|address|walks? home (?:alone|on (?:her|his) own)|"
    r"(?:his|her) (?:mum|dad|mother|father) works nights)",
    re.IGNORECASE,
)


#: UK postcode areas (Royal Mail): a postcode must start with one of these, in capitals, so
#: "Y7 1ST" ("Well done Y7 1st place!") or "well done 6B 2nd" is not read as one.
_POSTCODE_AREA = (
    "(?:AB|AL|BA|BB|BD|BH|BL|BN|BR|BS|BT|CA|CB|CF|CH|CM|CO|CR|CT|CV|CW|DA|DD|DE|DG|DH|DL|DN|DT|"
    "DY|EC|EH|EN|EX|FK|FY|GL|GU|GY|HA|HD|HG|HP|HR|HS|HU|HX|IG|IM|IP|IV|JE|KA|KT|KW|KY|LA|LD|LE|"
    "LL|LN|LS|LU|ME|MK|ML|NE|NG|NN|NP|NR|NW|OL|OX|PA|PE|PH|PL|PO|PR|RG|RH|RM|SA|SE|SG|SK|SL|SM|"
    "SN|SO|SP|SR|SS|ST|SW|SY|TA|TD|TF|TN|TQ|TR|TS|TW|UB|WA|WC|WD|WF|WN|WR|WS|WV|YO|ZE|B|E|G|L|M|"
    "N|S|W)"
)

#: A worry about children's safety, not a threat: "before a child gets hurt", "someone is going
#: to get killed on that crossing". Threat rules that match inside one do not count.
SAFETY_WORRY = re.compile(
    r"\b(?:before|until|or|otherwise|when)\s+(?:a|some|one of the|the)?\s*(?:child|kid|pupil|"
    r"little one|someone|somebody|one of them|person)s?\s+(?:gets?|is|are|get)\s+(?:seriously\s+)?"
    r"(?:hurt|killed|injured|knocked down|run over)\b|\b(?:someone|somebody|a child|a kid|a pupil|"
    r"one of the (?:kids|children|pupils)|kids|children)(?:'s|s)?\s+(?:is|are)?\s*(?:going to|gonna|will|'ll|"
    r"could|might)\s+(?:get|be)\s+(?:seriously\s+)?(?:hurt|killed|injured|knocked down|run over)\b"
)


@dataclass(frozen=True)
class Rule:
    """A named pattern that raises ``category`` with ``confidence`` when it matches."""

    category: str
    kind: str
    pattern: re.Pattern[str]
    confidence: float = 0.9
    on_original: bool = False
    needs_person: bool = False  #: only counts when an identifiable person is named
    case_sensitive: bool = False  #: on the original text, case matters (postcodes)
    #: says it plainly: counts even where a context-reading model gives the category no
    #: support (it misreads the idiom), unless the comment quotes it to condemn or report it
    plain: bool = False


def _r(category: str, kind: str, regex: str, **options: object) -> Rule:
    flags = re.IGNORECASE if options.get("on_original") and not options.get("case_sensitive") else 0
    return Rule(category, kind, re.compile(regex, flags), **options)  # type: ignore[arg-type]


RULES: tuple[Rule, ...] = (
    # --- threats of violence (veiled and open) ---------------------------------------------
    _r(
        "threat",
        "violence",
        r"\b(?:i'?ll|i will|im|i'?m|gonna|going to|will|should|needs? to|wanna|want to|ought to)\b[^.!?]{0,30}?\b(?:kill|stab|shoot|punch|batter|hurt|beat|smash|knock|break|burn|glass|deck|slap|strangle|murder|bury|stamp on|run (?:him|her|them|you) over)\w*\b(?! it\b)",
    ),
    _r(
        "threat",
        "violence",
        r"\b(?:kill|stab|shoot|murder|strangle|batter|knife|glass)(?:s|ed|ing)?\s+(?:you|him|her|them|the next|every|(?:that|this)(?!\s+(?:[\w'-]+\s+)?(?:scene|song|solo|dance|routine|performance|part|role|number|piece|show|play|concert|speech|exam|test|game|match|race|level|assembly|set|track)\b)|all|mr|mrs|miss|ms)\b",
    ),
    _r(
        "threat", "violence", r"\bbreak (?:his|her|your|their) (?:jaw|neck|legs?|arms?|nose|face)\b"
    ),
    _r(
        "threat",
        "violence",
        r"\b(?:get|gets|getting|got coming|gonna get|going to get) (?:battered|hurt|smashed|stabbed|jumped|done in|beaten up|kicked in|what'?s coming)\b",
    ),
    _r(
        "threat",
        "violence",
        r"\b(?:brick|petrol bomb|firework)s? through\b|\bburn (?:the|this|that|your|his|her) [a-z ]{0,15}(?:down|school|house|car)\b",
    ),
    _r("threat", "violence", r"\bheads (?:will|are going to|gonna|are gonna) roll\b"),
    # British idioms of violence a model trained on sport ("beat them 3-0") reads as praise
    _r(
        "threat",
        "violence",
        r"\b(?:i'?ll|i will|i'?m|im|gonna|going to|will|'ll)\b[^.!?]{0,20}?\b(?:beat|kick|knock|smack|batter) "
        r"(?:the )?(?:living )?(?:daylights|shit|crap|hell|stuffing) out of\b|"
        r"\b(?:i'?ll|i will|gonna|going to|will|'ll) (?:do|kick) (?:him|her|them|you|(?:mr|mrs|ms|miss|mx|dr|sir)\.? [a-z'-]+|the [a-z]+)(?: head)? in\b",
        plain=True,
    ),
    _r("threat", "veiled threat", r"\b(?:watch|mind) (?:your|his|her|their|yer) backs?\b"),
    _r("threat", "veiled threat", r"\b(?:wants?|needs?|had better|better|ought) to be careful\b"),
    _r(
        "threat",
        "veiled threat",
        r"\bi know (?:where|what time|when|which car|what car)\b[^.!?]{0,40}\b(?:lives?|leaves?|parks?|goes|finish(?:es)?|walks?|drives?|gets? home)\b",
    ),
    _r(
        "threat",
        "wishing harm",
        r"\bhope (?:s?he|they|you|he|mr|mrs|miss|ms|the|that|your)\b[^.!?]{0,30}\b(?:dies|die|falls|gets hit|gets run over|gets cancer|burns|rots|gets what)\b",
    ),
    _r(
        "threat",
        "violence",
        r"\b(?:you'?re|ur|your|you are|he'?s|hes|she'?s|shes|they'?re|theyre) (?:dead|finished|getting (?:it|battered|hurt|done))\b|\b(?:will|gonna|going to|'ll) be waiting (?:for|at|outside)\b|\b(?:end|finish|sort) (?:him|her|them|you) (?:off|out)\b",
    ),
    _r("threat", "violence", r"[\U0001F52A\U0001F52B\U0001F5E1\U0001F4A3]"),
    _r("threat", "encouraging self-harm", r"\b(?:kys|kill (?:yourself|urself|yourselves))\b"),
    # --- allegations of fact (defamation when about an identifiable person) ----------------
    _r(
        "defamation",
        "crime",
        r"\b(?:arrested|charged with|convicted|cautioned|locked up|been to prison|in prison|jailed|on bail|criminal record)\b",
        needs_person=True,
    ),
    _r(
        "defamation",
        "drink or drugs",
        r"\b(?:drink[ -]?driv\w*|drunk[ -]?driv\w*|drunk at|turns? up drunk|always drunk|smells? of (?:booze|alcohol|drink)|alcoholic|on drugs|does (?:coke|drugs)|cokehead|coke head|druggie|deals? drugs)\b",
        needs_person=True,
    ),
    _r(
        "defamation",
        "dishonesty",
        r"\b(?:pockets?|pocketed|pocketing|steals?|stole|stealing|nicks?|nicked|fiddl\w+|embezzl\w+|skims?|skimm\w+|takes? backhanders|on the take|fraud\w*|cooks? the books|bribe\w*)\b",
        needs_person=True,
    ),
    _r(
        "defamation",
        "dishonesty",
        r"\b(?:makes?|made|making) up (?:the )?(?:\w+ )?(?:scores|results|grades|marks|figures|numbers|data)\b|\bfak(?:es|ed|ing) (?:the )?(?:\w+ )?(?:scores|results|grades|marks|figures|data)\b",
    ),
    _r(
        "defamation",
        "abuse of children",
        r"\b(?:smacks?|smacked|slaps?|slapped|hits|hit|hitting|shakes|shook|kicks|kicked|punch(?:es|ed)|assault\w*|abus(?:es|ed|ing))\b (?:the )?(?:reception |little |young )?"
        + CHILD,
        needs_person=True,
    ),
    _r(
        "defamation",
        "dishonesty",
        r"\b(?:gave|gives|giving|handed|hands) (?:the |all the )?(?:\w+ )?(?:contracts?|jobs?|work|money) to (?:his|her|their) (?:brother|sister|wife|husband|mate|mates|friend|friends|son|daughter|cousin|partner|family)\b|\bwhere (?:the|all the|that) (?:\w+ )?(?:money|funds|cash) (?:actually |really )?went\b|\b(?:backhanders?|kickbacks?|nepotism|dodgy deals?)\b",
        needs_person=True,
    ),
    _r(
        "defamation",
        "drink or drugs",
        r"\b(?:stink\w*|reek\w*|smell\w*) of (?:drink|booze|alcohol|weed|cannabis|wine|beer)\b|\bhung ?over\b|\b(?:off (?:his|her) (?:face|head))\b",
        needs_person=True,
    ),
    _r(
        "defamation",
        "abuse of children",
        r"\b(?:dragg(?:ed|ing)|dragg?s|grabb(?:ed|ing)|shov(?:ed|ing|es)|push(?:ed|ing|es)|manhandl\w+|threw|throws|pinn(?:ed|ing)|restrain\w*|shak(?:ed|ing))\b[^.!?]{0,20}\b(?:my |the |a |our |his |her )?(?:little |young )?"
        + CHILD
        + r"\b|\bleft (?:marks|bruises|a bruise|a mark) on\b",
        needs_person=True,
    ),
    _r(
        "defamation",
        "sexual impropriety",
        r"\b(?:having an affair|an affair with|sleeping with|slept with|shagging)\b",
        needs_person=True,
    ),
    _r(
        "defamation",
        "sexual impropriety",
        r"\b(?:paedo\w*|pedo\w*|nonce|child molester|predator)\b",
    ),
    _r(
        "defamation",
        "sexual impropriety",
        r"\bwatch(?:es|ing)? (?:the )?"
        + CHILD
        + r"[^.!?]{0,25}\b(?:chang\w+|shower\w*|undress\w*)\b",
        needs_person=True,
    ),
    _r(
        "defamation",
        "misconduct",
        r"\b(?:sacked|fired|struck off|dismissed|suspended)\b[^.!?]{0,30}\b(?:for|because|after)\b|\b(?:kept it quiet|hushed (?:it )?up|covered (?:it )?up|lies to (?:ofsted|parents|governors))\b",
        needs_person=True,
    ),
    # --- personal details ------------------------------------------------------------------
    _r(
        "privacy",
        "a phone number",
        r"(?<![\d+])(?:\+44\s?7\d{3}|07\d{3})[\s-]?\d{3}[\s-]?\d{3}(?!\d)|(?<!\d)0[12]\d{2,3}[\s-]?\d{3}[\s-]?\d{3,4}(?!\d)",
        on_original=True,
    ),
    _r(
        "privacy",
        "a personal e-mail address",
        r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",
        on_original=True,
    ),
    _r(
        "privacy",
        "a home address",
        r"\b\d{1,4}[a-z]?,?\s+[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?\s+(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|way|crescent|court|gardens|grove|place|terrace|view|walk|hill|row|square|mews|rise)\b",
        on_original=True,
    ),
    _r(
        "privacy",
        "a home address",
        r"\b(?:lives?|living|address is|house is)\b[^.!?]{0,12}\b(?:on|at|in|down|up|is)\s+(?:number \d+\s+)?[a-z][a-z' ]{1,25}\b(?:road|street|lane|avenue|close|drive|way|crescent|court|gardens|grove|place|terrace|view|walk|estate|flats)\b|\b(?:her|his|their) address is\b",
    ),
    _r(
        "privacy",
        "a postcode",
        rf"\b{_POSTCODE_AREA}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{{2}}\b",
        on_original=True,
        case_sensitive=True,
    ),
    # --- safeguarding: a risk to a child ----------------------------------------------------
    _r(
        "safeguarding",
        "self-harm",
        r"\b(?:cutting (?:herself|himself|themselves|myself)|self[- ]?harm\w*|suicid\w+|kill (?:herself|himself|myself|themselves)|wants? to die|overdos\w+|hurting (?:herself|himself|myself))\b",
    ),
    _r(
        "safeguarding",
        "abuse at home",
        r"\b(?:being|been|is|gets?|getting) (?:hit|hurt|beaten|abused|starved|locked in|neglected|battered)\b[^.!?]{0,25}\b(?:at home|by (?:his|her|their) (?:dad|mum|father|mother|stepdad|stepmum|parents?))\b|\bscared to go home\b|\b(?:isn'?t|not) (?:being )?fed at home\b",
    ),
    _r(
        "safeguarding",
        "self-harm",
        r"\b(?:started|start|been|keep|kept|i'?ve been|i am|i'?m) (?:cutting|burning|hurting) (?:again|myself|herself|himself)?\b|\bcutting again\b|\bdon'?t want to (?:be here|live) anymore\b",
    ),
    _r(
        "safeguarding",
        "abuse at home",
        r"\b(?:turn(?:s|ing)? up|comes? in|came in|covered) (?:to school )?with (?:bruises|marks|burns|a black eye)\b|\b(?:always|constantly) (?:hungry|starving)\b[^.!?]{0,30}\b"
        + CHILD,
    ),
    _r(
        "safeguarding",
        "grooming",
        r"\b(?:message|dm|inbox|pm|text|snap|add|whatsapp) me\b[^.!?]{0,40}\b"
        + CHILD
        + r"|\b"
        + CHILD
        + r"\b[^!?]{0,80}\b(?:earn (?:some )?(?:money|cash)|message me|dm me|pm me|inbox me|add me|snap me|send (?:me )?(?:pics|pictures|photos|nudes)|party at mine|come (?:round|over) to mine|a lift)",
    ),
    _r(
        "safeguarding",
        "criminal exploitation",
        r"\b(?:run(?:ning)?|carry(?:ing)?|drop(?:ping)?|deliver(?:ing)?|hold(?:ing)?)\s+(?:packages|parcels|packs|bags|drugs|gear|food)\b[^.!?]{0,60}\b"
        + CHILD
        + r"|\b"
        + CHILD
        + r"\b[^.!?]{0,60}\b(?:run(?:ning)?|carry(?:ing)?|drop(?:ping)?|deliver(?:ing)?|hold(?:ing)?)\s+(?:packages|parcels|packs|bags|drugs|gear)\b|\bcounty lines\b",
    ),
    _r(
        "safeguarding",
        "sharing images of children",
        r"\b(?:shar\w+|send\w*|sent|passing (?:them )?round|going round|circulat\w+|post\w*|spread\w*|airdrop\w*|group (?:chat )?with)\b[^.!?]{0,30}\b(?:pictures?|pics|photos?|images?|videos?|nudes)\b[^.!?]{0,40}\b(?:"
        + CHILD[3:-1]
        + r"|swimming|changing)",
    ),
    # --- sexual remarks -----------------------------------------------------------------------
    _r(
        "sexual",
        "sexual remark",
        r"\b(?:great|nice|fit|lovely|peng|cracking) (?:arse|ass|bum|tits|boobs|rack|legs|body)\b|\b(?:i'?d|would) (?:shag|bang|smash|do) (?:her|him|them|the|that)\b|\bfit as\b|\bkeep me behind\b|[\U0001F351\U0001F346\U0001F4A6]",
    ),
    # --- hate: a negative generalisation about a protected group -----------------------------
    _r("hate", "hate", r"\ball " + _GROUP + r" (?:are|is|should)\b"),
    _r(
        "hate",
        "hate",
        r"\b"
        + _GROUP
        + r" (?:are|is) (?:all |just |nothing but )?(?:thieves|terrorists|scum|dirty|animals|vermin|criminals|paedos|perverts|disgusting|a disease|filth|rapists|parasites)\b",
    ),
    _r(
        "hate",
        "hate",
        r"\b"
        + _GROUP
        + r" (?:have|has|'ve) (?:got )?no (?:business|place|right)\b|\b"
        + _GROUP
        + r" (?:shouldn'?t|should not|mustn'?t|must not) be (?:allowed|let)\b|\b(?:country|school|town|area|place) (?:is|are|'s) (?:being |getting )?(?:overrun|swamped|invaded)\b|\bsend (?:them|em|\'em) (?:all )?back\b",
    ),
    _r(
        "hate",
        "hate",
        r"\bgo back to (?:africa|asia|pakistan|poland|india|romania|your (?:own )?country|where (?:you|they|he|she) (?:came|come) from)\b",
    ),
    _r(
        "hate",
        "hate",
        r"\bno "
        + _GROUP
        + r" (?:should|allowed|wanted)\b|\boverrun (?:with|by) "
        + _GROUP
        + r"|\b(?:keep|kick|get|send) (?:them|the "
        + _GROUP
        + r"|"
        + _GROUP
        + r") out\b|\bwhen it was (?:english|british|white)\b",
    ),
    # --- complaints (criticism; never hidden) ------------------------------------------------
    _r(
        "complaint",
        "criticism",
        r"\b(?:not acceptable|unacceptable|disappoint\w*|frustrat\w+|appalling|shambolic|ridiculous|complain\w*|complaint|resign|lost control|without (?:any )?notice|no notice|nobody (?:has )?(?:replied|responded|got back)|no one (?:has )?(?:replied|responded)|still waiting|chaos|chaotic|don'?t agree|do not agree|disagree|unfair|not good enough|poor communication|shocking|too late|waste of|why (?:has|have|is|are|do|does|did|hasn'?t|haven'?t|won'?t|can'?t)\b|should be ashamed|let down|rip[- ]?off|not fit for purpose|shame (?:the|that|it|this)|(?:seems?|bit|very|too|so) (?:steep|expensive|pricey)|overpriced|can'?t afford|some of us (?:work|have)|requires improvement|inadequate|(?:has|have) had (?:\w+ )?(?:years|months) to|what about (?:the|those|us|kids|children|families)|nothing (?:on|at all) for|\bno (?:reply|response|answer)|(?:not|never) (?:replied|responded|answered)|ignored|(?:poor|terrible|awful|bad) (?:communication|organisation|planning|behaviour|standards?)|(?:cold|late|cancelled|overcrowded) (?:again|three|two|every))",
        confidence=0.7,
    ),
)
