"""What the PDF report in an evidence bundle says, as plain data.

``bundle.py`` fills a :class:`Report` from the database; ``report_pdf.render`` draws it. All
times are already words (UK time with UTC beside it), so the renderer makes no decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CustodyLine:
    """One entry of an exhibit's custody log."""

    seq: int
    at: str  #: e.g. "2025-03-12 16:41:02 UTC"
    actor: str
    action: str  #: captured | viewed | exported | artefact_added
    hash: str  #: the entry's SHA-256


@dataclass(frozen=True)
class Exhibit:
    """One flagged comment and what was captured of it."""

    ref: str  #: "EX-001"
    flag_id: int
    platform: str  #: facebook | instagram | file
    source: str  #: the source's name in the config
    address: str | None  #: the permalink, else the post's
    author: str  #: as the platform gave it
    author_id: str | None
    posted: str  #: "Wed 12 Mar 2025 16:40 GMT (16:40 UTC)"
    captured: str
    text: str  #: the comment as captured (may be long, may hold any Unicode)
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    targets: tuple[str, ...]  #: "Mrs Patel (staff)"
    status: str  #: the flag's state in words, e.g. "confirmed", "dismissed: judged not a breach"
    decisions: tuple[str, ...]  #: "2025-03-13 09:10 UTC j.smith confirmed: ..." (no comment text)
    model: str  #: "bundled-minilm 2026.10"
    snapshot_sha256: str
    artefacts: tuple[tuple[str, str], ...]  #: (path in the bundle, SHA-256)
    media_notes: tuple[str, ...] = ()  #: e.g. "photo withheld: possible indecent image of a child"
    custody: tuple[CustodyLine, ...] = ()


@dataclass(frozen=True)
class ChronologyRow:
    when: str
    ref: str | None  #: the exhibit, or None for an event that is not one (a letter)
    event: str


@dataclass(frozen=True)
class Consideration:
    """A matter the recipient may wish to consider: never a conclusion."""

    title: str  #: "Malicious Communications Act 1988, s1"
    kind: str  #: "criminal" | "civil" | "guidance"
    summary: str  #: what the provision covers, in a sentence or two
    raised_by: tuple[str, ...]  #: exhibit refs whose categories raise it


@dataclass(frozen=True)
class Member:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Report:
    school: str
    bundle_id: str
    title: str  #: "Evidence bundle for flag 12" / "Evidence bundle for case 3"
    prepared_by: str
    prepared_at: str
    poster: str | None
    accounts: tuple[str, ...]  #: "facebook: Jo Bloggs (1234)"
    summary: tuple[str, ...]  #: opening paragraphs
    exhibits: tuple[Exhibit, ...]
    chronology: tuple[ChronologyRow, ...]
    harassment: tuple[str, ...]  #: possible courses of conduct, one line each
    policy_clauses: tuple[str, ...]  #: the school's policy wording that applies
    considerations: tuple[Consideration, ...]
    letters: tuple[str, ...]  #: one line per letter sent
    safeguarding: tuple[str, ...]  #: instructions for the DSL (indecent-image risk), may be empty
    members: tuple[Member, ...] = field(default=())  #: the other members of the bundle
    disclaimer: str = (
        "This report was produced automatically from records kept by the school's moderation "
        "system. The capture images are drawn from the recorded platform data, not photographs "
        "of a screen; the JSON files are the authoritative record. The legislation listed is a "
        "set of matters that may be relevant to consider; it states no conclusion about whether "
        "any offence or civil wrong has occurred."
    )
