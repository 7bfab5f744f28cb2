"""Law and guidance a recipient may wish to consider, by policy category: matters to consider,
never conclusions. Current provisions as understood in November 2026 (the Online Safety Act 2023
Part 10 offences in force since 31 January 2024; s179 replaced Malicious Communications Act 1988
s1(1)(a)(iii) and Communications Act 2003 s127(2)(a)-(b)). The report tells the reader to check
the current text on legislation.gov.uk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from moderator.evidence.report import Consideration

CRIMINAL, CIVIL, GUIDANCE = "criminal", "civil", "guidance"


@dataclass(frozen=True)
class Provision:
    title: str
    kind: str
    summary: str


PROVISIONS: dict[str, Provision] = {
    "osa181": Provision(
        "Online Safety Act 2023, s181 (threatening communications)",
        CRIMINAL,
        "Sending a message that conveys a threat of death or serious harm, intending the "
        "recipient to fear it will be carried out, or reckless as to that.",
    ),
    "osa179": Provision(
        "Online Safety Act 2023, s179 (false communications)",
        CRIMINAL,
        "Sending a message the sender knows to be false, intending it to cause non-trivial "
        "psychological or physical harm to a likely audience, without reasonable excuse.",
    ),
    "mca1": Provision(
        "Malicious Communications Act 1988, s1",
        CRIMINAL,
        "Sending an electronic communication that is indecent or grossly offensive, where a "
        "purpose is to cause distress or anxiety to the recipient or another person.",
    ),
    "ca127": Provision(
        "Communications Act 2003, s127(1)",
        CRIMINAL,
        "Sending by a public electronic communications network a message that is grossly "
        "offensive or of an indecent, obscene or menacing character.",
    ),
    "pha2": Provision(
        "Protection from Harassment Act 1997, ss1-2 (harassment)",
        CRIMINAL,
        "A course of conduct amounting to harassment, which the person knows or ought to know "
        "amounts to it. A course of conduct needs conduct on at least two occasions (s7(3)).",
    ),
    "pha4": Provision(
        "Protection from Harassment Act 1997, s4 (fear of violence)",
        CRIMINAL,
        "A course of conduct causing another to fear, on at least two occasions, that violence "
        "will be used against them.",
    ),
    "poa3": Provision(
        "Public Order Act 1986, Parts 3 and 3A",
        CRIMINAL,
        "Publishing threatening (Part 3: also abusive or insulting) material intended, or in "
        "Part 3 likely, to stir up hatred on grounds of race, religion or sexual orientation.",
    ),
    "sa66": Provision(
        "Sentencing Act 2020, s66 (hostility)",
        CRIMINAL,
        "An offence shown to be motivated by, or to demonstrate, hostility based on race, "
        "religion, disability, sexual orientation or transgender identity is treated as more "
        "serious. Police record hate incidents even where no offence is found.",
    ),
    "def1": Provision(
        "Defamation Act 2013, s1 (serious harm)",
        CIVIL,
        "A statement is not defamatory unless its publication has caused or is likely to cause "
        "serious harm to the claimant's reputation. A matter for legal advice.",
    ),
    "def5": Provision(
        "Defamation Act 2013, s5 and the Defamation (Operators of Websites) Regulations 2013",
        CIVIL,
        "A notice of complaint to the website operator (the platform) must state the meaning "
        "complained of and why it is inaccurate; the operator then has 48 hours to act.",
    ),
    "pca1": Provision(
        "Protection of Children Act 1978, s1; Criminal Justice Act 1988, s160",
        CRIMINAL,
        "Making, distributing or possessing an indecent image of a child. Staff must not view, "
        "copy, print, share, store or save such an image (UKCIS guidance): refer to the police.",
    ),
    "dpa170": Provision(
        "Data Protection Act 2018, s170; UK GDPR",
        CRIMINAL,
        "Knowingly or recklessly obtaining or disclosing personal data without the consent of "
        "the controller. Publishing pupils' or staff members' personal details may also engage "
        "the school's own data protection duties.",
    ),
    "kcsie": Provision(
        "Keeping children safe in education (statutory guidance)",
        GUIDANCE,
        "Concerns about a child's safety or welfare go to the Designated Safeguarding Lead, who "
        "decides on referral to children's social care or the police.",
    ),
}

BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "threat": ("osa181", "mca1", "ca127", "pha4"),
    "hate": ("mca1", "ca127", "poa3", "sa66"),
    "abuse": ("mca1", "ca127", "pha2"),
    "obscene": ("mca1", "ca127"),
    "sexual": ("mca1", "ca127"),
    "defamation": ("def1", "def5", "osa179"),
    "privacy": ("dpa170", "pha2"),
    "safeguarding": ("kcsie",),
}
#: Raised by a possible course of conduct against one person, and by an indecent-image risk.
HARASSMENT = ("pha2", "pha4")
INDECENT_IMAGE = ("pca1", "kcsie")


def considerations(
    raised: Mapping[str, Iterable[str]],
    harassment: Iterable[str] = (),
    indecent: Iterable[str] = (),
) -> tuple[Consideration, ...]:
    """The provisions raised by exhibits: ``raised`` maps an exhibit ref to its categories;
    ``harassment`` and ``indecent`` list the refs in a course of conduct or at image risk."""
    refs: dict[str, list[str]] = {}
    for ref, categories in raised.items():
        for category in categories:
            for key in BY_CATEGORY.get(category, ()):
                _add(refs, key, ref)
    for keys, group in ((HARASSMENT, harassment), (INDECENT_IMAGE, indecent)):
        for ref in group:
            for key in keys:
                _add(refs, key, ref)
    return tuple(
        Consideration(
            title=PROVISIONS[key].title,
            kind=PROVISIONS[key].kind,
            summary=PROVISIONS[key].summary,
            raised_by=tuple(refs[key]),
        )
        for key in PROVISIONS
        if key in refs
    )


def _add(refs: dict[str, list[str]], key: str, ref: str) -> None:
    found = refs.setdefault(key, [])
    if ref not in found:
        found.append(ref)
