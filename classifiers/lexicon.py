"""A curated UK-English lexicon of abuse, and a matcher that sees through common evasions.

Patterns are small regular expressions over lowercase ASCII, matched on whole words of the
:func:`~classifiers.normalise.normalise`-d text. Every letter in a pattern also matches its
own doubling (``fuuck``) and the ``*`` wildcard (``f*ck``), and a space matches any run of
separators. A censored match needs at least two real letters, so ``s***`` matches nothing.
Threat words only count with a target (``kill him``), never idiomatically (``killed it``);
identity words only count inside hate phrasing or as slurs, never alone (``Happy Eid``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from classifiers.normalise import Normalised, normalise


@dataclass(frozen=True)
class Term:
    """One lexicon entry: a pattern, the label it supports and how strongly (0..1)."""

    pattern: str
    label: str
    weight: float
    name: str  #: canonical form reported as evidence, e.g. "fuck" for "f*cking"


@dataclass(frozen=True)
class Hit:
    """A term found in a text; ``[start, end)`` are indices into the *original* text."""

    start: int
    end: int
    label: str
    term: str
    weight: float


_YOU = "(?:you|u|ya|ye|him|her|them)"
_YOUR = "(?:your|ur|yer|his|her|their)"
_INTENT = "(?:i'?ll|ill|we'?ll|i will|we will|gonna|gunna|going to|wanna|want to)"
_GROUPS = (
    "(?:muslims|jews|blacks|gays|immigrants|migrants|foreigners|asians|pakis|gypsies"
    "|travellers|refugees|asylum seekers|lesbians|trans people|poles|romanians|africans)"
)

#: Innocent phrases that contain a term; matched first so their words cannot hit.
_SAFE_PHRASES = (
    "(?:blue|great|coal|marsh|willow) tits",
    "dick whittington",
    "moby dick",
    "pussy (?:cat|willow)s?",
    "prick (?:your|my|his|her|their|the) fingers?",
    "pratts?",
    "cock a doodle",
)

# label -> (name, weight, pattern); the pattern defaults to the name.
_TABLE: dict[str, tuple[tuple[str, float, str] | tuple[str, float], ...]] = {
    "obscene": (
        ("fuck", 0.9, "(?:fuck|fcuk|fuk|phuck|fck|fook)(?:s|ed|er|ers|ing|in|face|wit|off)?"),
        ("motherfucker", 0.95, "motherfuck(?:er|ers|ing|in)?"),
        ("wtf", 0.5),
        ("stfu", 0.6),
        ("feck", 0.35, "feck(?:ing|in)?"),
        ("shit", 0.75, "(?:bull)?shit(?:e|s|ty|ting|ted|head|heads|hole|bag)?"),
        ("gobshite", 0.8),
        ("cunt", 0.95, "cunt(?:s|ing|y)?"),
        ("twat", 0.85, "twat(?:s|ting)?"),
        ("wanker", 0.85, "wank(?:er|ers|ing|s|stain)?"),
        ("tosser", 0.8, "tossers?"),
        ("bollocks", 0.7, "bollock(?:s|ing|ed)?"),
        ("prick", 0.7, "pricks?"),
        ("dick", 0.7, "dick(?:s|head|heads)?"),
        ("knobhead", 0.75, "knob(?:head|end)s?"),
        ("bellend", 0.8, "bellends?"),
        ("arse", 0.55, "arse(?:s|d)?"),
        ("arsehole", 0.85, "(?:arse|ass)holes?"),
        ("ass", 0.5, "(?:dumb|jack)?ass(?:es)?"),
        ("bastard", 0.75, "bastards?"),
        ("bitch", 0.8, "bitch(?:es|ing|y)?"),
        ("piss", 0.5, "piss(?:ed|ing|es|take|head)?"),
        ("piss off", 0.7),
        ("bugger", 0.4, "bugger(?:s|ed)?"),
        ("crap", 0.4, "crap(?:py)?"),
        ("sod off", 0.5),
        ("cock", 0.55, "cock(?:s|head|womble)?"),
        ("slag", 0.7, "slags?"),
        ("whore", 0.8, "whores?"),
        ("slut", 0.8, "slut(?:s|ty)?"),
        ("tits", 0.6),
        ("pussy", 0.7),
        ("minge", 0.7),
        ("\U0001f595", 0.7),
    ),
    "insult": (
        ("idiot", 0.75, "idiot(?:s|ic)?"),
        ("moron", 0.8, "moron(?:s|ic)?"),
        ("useless", 0.5),
        ("pathetic", 0.55),
        ("prat", 0.65, "prats?"),
        ("stupid", 0.5),
        ("cow", 0.7, "(?:silly|stupid|fat|ugly|old|lazy|miserable|useless|nasty|daft|you) cows?"),
        ("witch", 0.6, "(?:silly|stupid|ugly|old|evil|nasty|horrible|you) witch(?:es)?"),
        ("clown", 0.6, "(?:you|absolute|total|complete|what a|bunch of|such) clowns?"),
        ("freak", 0.55, "freaks?(?! out)"),
        ("loser", 0.6, "losers?"),
        ("scum", 0.8, "scum(?:bags?)?"),
        ("disgrace", 0.4, "disgrace(?:ful)?"),
        ("rat", 0.5, "(?:dirty|you|little|sneaky|filthy) rats?"),
        ("jumped up", 0.6),
        ("silly woman", 0.55, "silly (?:little )?(?:woman|girl|man|boy)"),
        ("shut your mouth", 0.6, f"shut {_YOUR} (?:mouth|face|gob|trap)"),
        ("pig", 0.6, "(?:fat|you|greedy|ugly|dirty) pigs?"),
        ("cretin", 0.7, "cretins?"),
        ("imbecile", 0.7, "imbeciles?"),
        ("halfwit", 0.7, "(?:half|dim|nit)wits?"),
        ("muppet", 0.5, "muppets?"),
        ("numpty", 0.4, "numpt(?:y|ies)"),
        ("pillock", 0.6, "pillocks?"),
        ("plonker", 0.5, "plonkers?"),
        ("git", 0.5, "gits?"),
        ("waste of space", 0.65, "waste of (?:space|oxygen|skin)"),
        ("paedo", 0.7, "paedos?"),
        ("dickhead", 0.8, "dickheads?"),
        ("twat", 0.7, "twats?"),
        ("wanker", 0.75, "wankers?"),
        ("tosser", 0.75, "tossers?"),
        ("bellend", 0.7, "bellends?"),
        ("cunt", 0.8, "cunts?"),
        ("arsehole", 0.75, "(?:arse|ass)holes?"),
        ("gobshite", 0.75),
        ("slag", 0.6, "slags?"),
        ("prick", 0.6, "pricks?"),
        ("bitch", 0.6, "bitch(?:es)?"),
        ("bastard", 0.6, "bastards?"),
        ("retard", 0.7, "retard(?:s|ed)?"),
        (
            "thick",
            0.45,
            "(?:is|are|so|proper|bloody|really) thick(?! (?:coat|layer|fog|snow|skin|paint|glass|walls?|book|slice)\\b)|thick (?=(?:as|little|fat|old|git|twat|prat|idiot|cow|pig|sod|bastard|scrote)\\b)",
        ),
        ("gormless", 0.5),
        ("scrote", 0.75, "scrot(?:e|es|ey)"),
        ("scumbag", 0.8, "scumbags?"),
        ("div", 0.5, "divs?"),
        ("pleb", 0.5, "plebs?"),
        ("nonce", 0.8, "nonces?"),
        ("chav", 0.55, "chavs?"),
        ("skank", 0.7, "skank(?:s|y)?"),
        ("slapper", 0.7, "slappers?"),
        ("minger", 0.6, "ming(?:er|ers|ing)"),
        ("vile", 0.45),
        ("parasite", 0.6, "parasites?"),
        ("vermin", 0.65),
        ("dinosaur", 0.35, "(?:old |bloody )?dinosaurs?"),
        ("dictator", 0.5, "(?:little |jumped up |tin ?pot )?(?:dictator|hitler)s?"),
        ("incompetent", 0.45, "incompetent(?: \\w+)?"),
        ("clueless", 0.4),
        ("ugly", 0.55, "ugly (?:cow|bitch|old|fat|little|face|mug)"),
        ("fat", 0.5, "fat (?:cow|pig|bitch|slob|lump|little|bastard|git|freak|useless)"),
    ),
    "threat": (
        ("kill", 0.85, f"kill(?:s|ed|ing)? {_YOU}"),
        ("kill", 0.8, f"{_INTENT} kill(?! (?:it|time|two|for|me|myself)\\b)"),
        ("kill yourself", 0.9, "kill (?:yourself|urself|ya ?self|your ?self)"),
        ("stab", 0.85, f"(?:stab(?:s|bed|bing)? {_YOU}|{_INTENT} stab)"),
        ("stab", 0.75, "(?:get|getting|gets|got|be) stabbed"),
        ("shoot", 0.7, f"shoot {_YOU}(?! (?:an?|the|some)\\b)"),
        ("shoot up the school", 0.95, "shoot up (?:the |this |your )?school"),
        ("knife", 0.8, f"knife {_YOU}"),
        ("bomb", 0.9, "bomb (?:the|this|your) school"),
        ("break his jaw", 0.85, f"break {_YOUR} (?:jaw|legs?|neck|nose|face|arms?)"),
        ("put a brick through", 0.85),
        ("battered", 0.65, f"(?:get|getting|gets|got|be) battered|batter {_YOU}"),
        ("heads will roll", 0.55),
        ("watch your back", 0.7, f"watch {_YOUR} back"),
        ("be careful walking", 0.55),
        ("know where you live", 0.85, "know where (?:you|u|she|he|they|ya) lives?"),
        ("know what time", 0.75, "know what time (?:\\w+ ){1,3}(?:leaves|finishes|gets out)"),
        ("burn", 0.8, f"(?:burn|torch) (?:the|{_YOUR}) (?:school|house|car|home)"),
        ("burn", 0.75, f"burn {_YOU}"),
        ("falls down the stairs", 0.5, "falls? down the stairs"),
        ("hope you die", 0.8, "(?:hope|wish) (?:you|u|she|he|they) (?:die|dies|died|was dead)"),
        ("slit your throat", 0.9, f"slit {_YOUR} throat"),
        ("smash your face in", 0.8, f"smash {_YOUR} (?:face|head)(?: in)?"),
        ("kick your head in", 0.8, f"kick {_YOUR} (?:head|face|teeth) in"),
        ("beat you up", 0.75, f"beat {_YOU} up"),
        ("punch", 0.6, f"punch {_YOU}"),
        ("hurt you", 0.65, f"{_INTENT} (?:hurt|end) {_YOU}"),
        ("dead meat", 0.6),
        ("rape", 0.9, f"rape {_YOU}|{_INTENT} rape"),
        ("\U0001f52a", 0.35),
        ("\U0001f52b", 0.35),
    ),
    "identity_attack": (
        ("nigger", 0.95, "nigg(?:er|ers|a|as|ah)"),
        ("paki", 0.9, "pakis?"),
        ("faggot", 0.85, "faggots?"),
        ("fag", 0.4, "fags?"),
        ("coon", 0.7, "coons?"),
        ("wog", 0.85, "(?:golli)?wogs?"),
        ("chink", 0.6, "chinks?(?! (?:of|in)\\b)"),
        ("gypo", 0.8, "(?:gipo|gypo)s?"),
        ("pikey", 0.8, "pike?(?:y|ys|ies)"),
        ("kike", 0.9, "kikes?"),
        ("raghead", 0.85, "(?:rag|towel)heads?"),
        ("tranny", 0.75, "trann(?:y|ies)"),
        ("retard", 0.65, "retard(?:s|ed)?"),
        ("spastic", 0.7, "spastics?|spazz?(?:y|ies|a|er|ers)?|spacker|spakka"),
        ("mong", 0.6, "mongs?|mongo"),
        ("batty boy", 0.85, "batty (?:boy|man)s?"),
        ("polack", 0.85, "polacks?"),
        ("poof", 0.8, "poofs?|poofters?|pooftahs?"),
        ("lezzer", 0.8, "lezz(?:er|ers|a|as|ie|ies)|lesbos?"),
        ("dyke", 0.6, "dykes?"),
        ("chinky", 0.85, "chink(?:y|ies)"),
        ("yid", 0.75, "yids?"),
        ("darkie", 0.85, "darkies?"),
        ("sambo", 0.85, "sambos?"),
        ("nignog", 0.9, "nig(?: )?nogs?"),
        ("jungle bunny", 0.9, "jungle bunn(?:y|ies)"),
        ("half-caste", 0.7, "half(?: )?castes?"),
        ("window licker", 0.85, "window lickers?"),
        ("shemale", 0.8, "she(?: )?males?"),
        ("bum boy", 0.85, "bum(?: )?boys?"),
        ("curry muncher", 0.85, "curry munchers?"),
        ("bog trotter", 0.8, "bog(?: )?trott(?:er|ers|ing)"),
        ("slitty eyed", 0.85, "slitty(?: )?eye(?:d|s)"),
        ("ching chong", 0.85),
        ("muzzie", 0.85, "muzz(?:ie|ies|y)|muzrats?"),
        ("kaffir", 0.9, "kaffirs?"),
        (
            "bender",
            0.75,
            "(?:you|fucking|dirty|little|bloody|filthy) benders?|(?:is|he'?s|hes|what) a benders?",
        ),
        ("go back to", 0.8, f"go back to {_YOUR} (?:own )?country"),
        ("go back to", 0.8, "go back (?:to )?where (?:you|u|they|she|he) came from"),
        ("overrun with immigrants", 0.75, f"overrun (?:with|by) {_GROUPS}"),
        (
            "all muslims are",
            0.75,
            f"all (?:the )?{_GROUPS} (?:are|should)(?! (?:welcome|invited|valued|equal)\\b)",
        ),
        ("no gays should", 0.75, f"no {_GROUPS} should"),
        ("dirty immigrants", 0.7, f"(?:dirty|filthy|bloody|stinking) {_GROUPS}"),
        ("send them back", 0.6, "send (?:them|em) (?:all )?back"),
        ("deport them", 0.7, f"(?:ban|deport|get rid of) (?:all )?(?:the )?{_GROUPS}"),
    ),
    "sexual_explicit": (
        ("cocksucker", 0.9, "cock(?: )?suck(?:er|ers|ing)"),
        (
            "suck off",
            0.9,
            "suck(?:s|ed|ing)? (?:me|him|them|you|off|the \\w+) off|suck(?:s|ed|ing)? off",
        ),
        ("spread her legs", 0.85, "spread(?:s|ing)? (?:her|his|their|them) legs"),
        ("drop her knickers", 0.8, "drop(?:s|ping|ped)? (?:her|their|his) (?:knickers|pants)"),
        ("wank over", 0.9, "wank(?:s|ing|ed)? over"),
        ("tits", 0.7, "tits|titties"),
        ("boobs", 0.55),
        ("nudes", 0.8),
        (
            "send pics",
            0.85,
            "send (?:me )?(?:nudes|nude pics?|sexy pics?|pics of (?:yourself|you))",
        ),
        ("dick pic", 0.85, "dick pics?"),
        ("blowjob", 0.9, "blow ?jobs?|hand ?jobs?"),
        ("porn", 0.7, "porn(?:o|ography)?"),
        ("horny", 0.7),
        ("sexy", 0.4),
        ("shag", 0.6, "shag(?:ged|ging|s)?"),
        ("wank", 0.6, "wank(?:ing|s)?"),
        ("jerk off", 0.8, "jerk(?:ing|ed)? off"),
        ("pussy", 0.6),
        ("cock", 0.4, "cocks?"),
        ("nice arse", 0.7, "nice (?:arse|ass|bum|tits)"),
        ("slut", 0.6, "slut(?:s|ty)?"),
        ("whore", 0.5, "whores?"),
        ("rape", 0.8, "rape(?:s|d)?"),
        ("have sex", 0.6, "have sex with"),
        ("milf", 0.7, "milfs?"),
        ("sit on my face", 0.85, "sit(?:ting)? on (?:my|your) face"),
    ),
    "severe_toxicity": (
        ("cunt", 0.8, "cunt(?:s|ing|y)?"),
        ("motherfucker", 0.5, "motherfuck(?:er|ers)"),
        ("kill yourself", 0.9, "kill (?:yourself|urself|ya ?self|your ?self)"),
        ("kys", 0.85),
        ("go die", 0.7, "go (?:and )?die"),
        ("hope you die", 0.75, "hope (?:you|u) (?:die|dies)"),
        ("slit your throat", 0.8, f"slit {_YOUR} throat"),
        ("nigger", 0.9, "nigg(?:er|ers|a|as)"),
        ("paki", 0.75, "pakis?"),
        ("faggot", 0.75, "faggots?"),
        ("kike", 0.85, "kikes?"),
        ("wog", 0.7, "wogs?"),
        ("raghead", 0.7, "(?:rag|towel)heads?"),
        ("rape", 0.7, f"rape {_YOU}|{_INTENT} rape"),
    ),
}


def _terms() -> tuple[Term, ...]:
    """Flatten :data:`_TABLE` into :class:`Term` objects."""
    return tuple(
        Term(pattern[0] if pattern else name, label, weight, name)
        for label, rows in _TABLE.items()
        for name, weight, *pattern in rows
    )


TERMS: tuple[Term, ...] = _terms()


_PATTERN_TOKEN = re.compile(r"\\.|[a-z]| ")


def _fuzzy(pattern: str) -> str:
    """Compile a term pattern: letters tolerate doubling and ``*``; spaces match separators.

    Patterns use lowercase letters, spaces, ``(?:...)`` groups, ``?``, ``|`` and escapes
    such as ``\\w``; character classes are not supported (write ``(?:s|d)``).
    """
    return _PATTERN_TOKEN.sub(_fuzzy_token, pattern)


def _fuzzy_token(match: re.Match[str]) -> str:
    """Rewrite one pattern token: a letter, a space or an escape (kept as is)."""
    token = match.group()
    if token == " ":
        return r"[\W_]+"
    return f"(?:[{token}*]{{1,2}})" if token.isalpha() else token


@dataclass(frozen=True)
class _LabelMatcher:
    """All of one label's terms as a single alternation; each term is a named group."""

    regex: re.Pattern[str]
    terms: dict[str, Term]

    @classmethod
    def build(cls, terms: list[Term]) -> _LabelMatcher:
        """Compile the safe phrases, then ``terms``, into one whole-word regex."""
        groups = {f"t{index}": term for index, term in enumerate(terms)}
        safe = [f"(?:{_fuzzy(phrase)})" for phrase in _SAFE_PHRASES]
        named = [f"(?P<{name}>{_fuzzy(term.pattern)})" for name, term in groups.items()]
        body = "|".join(safe + named)
        return cls(re.compile(rf"(?<![^\W\d_])(?!\*)(?:{body})(?![^\W\d_])"), groups)

    def find(self, norm: Normalised) -> Iterator[Hit]:
        """Yield a :class:`Hit` per term match in ``norm``, in original-text coordinates."""
        for match in self.regex.finditer(norm.text):
            if match.lastgroup is None or not _plausible(match.group()):
                continue  # a safe phrase, or a censored word with too few letters left
            term = self.terms[match.lastgroup]
            start, end = norm.span_to_original(*match.span())
            yield Hit(start, end, term.label, term.name, term.weight)


def _plausible(found: str) -> bool:
    """Whether a match is real evidence: wildcards need at least two real letters."""
    return "*" not in found or sum(char.isalpha() for char in found) >= 2


_MATCHERS: tuple[_LabelMatcher, ...] = tuple(
    _LabelMatcher.build([term for term in TERMS if term.label == label]) for label in _TABLE
)


def find_hits(text: str) -> list[Hit]:
    """Find every lexicon term in ``text``, sorted by position; never raises."""
    norm = normalise(text)
    hits = [hit for matcher in _MATCHERS for hit in matcher.find(norm)]
    return sorted(hits, key=lambda hit: (hit.start, hit.end, hit.label))
