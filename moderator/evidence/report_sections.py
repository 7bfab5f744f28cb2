"""The evidence report PDF's content, section by section: the title block, safeguarding,
chronology, exhibits, patterns, policy, legislation, letters, members and how to verify.

``story_of`` turns a :class:`~moderator.evidence.report.Report` into the platypus story that
``report_pdf`` builds into pages; a section with nothing to say is left out, except where its
absence is itself worth saying ("None recorded.").
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
)

from moderator.evidence.report import (
    ChronologyRow,
    Consideration,
    CustodyLine,
    Exhibit,
    Member,
    Report,
)
from moderator.evidence.report_blocks import (
    Bookmark,
    Mono,
    Quote,
    boxed,
    bullet_list,
    bullets,
    key_values,
    none_recorded,
    quote_lines,
    ruled_table,
    small_heading,
)
from moderator.evidence.report_style import (
    ALERT,
    ALERT_PAPER,
    RULE,
    markup,
    mono_markup,
    plain,
    styles,
)

_KINDS = {"criminal": "Criminal law", "civil": "Civil law", "guidance": "Guidance"}


def story_of(report: Report) -> list[Flowable]:
    sections = [
        _safeguarding(report),
        _chronology(report.chronology),
        _exhibits(report.exhibits),
        _harassment(report.harassment),
        _policy(report.policy_clauses),
        _legislation(report.considerations),
        _letters(report.letters),
        _members(report.members),
        _verification(),
    ]
    story = _title_block(report)
    present = [section for section in sections if section is not None]
    for number, (heading, body) in enumerate(present, start=1):
        story += _section(number, heading, body)
    return story


_Section = tuple[str, list[Flowable]]


def _section(number: int, heading: str, body: list[Flowable]) -> list[Flowable]:
    title = f"{number}. {heading}"
    style = styles().h1
    if heading == "Safeguarding":
        style = ParagraphStyle("h1_alert", style, textColor=ALERT)
    return [
        CondPageBreak(60 * mm),
        Bookmark(f"s{number}", title, 0),
        Paragraph(escape(title), style),
        HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=6),
        *body,
    ]


def _title_block(report: Report) -> list[Flowable]:
    s = styles()
    rows = [("Bundle", markup(report.bundle_id))]
    if report.poster:
        rows.append(("Poster", markup(report.poster)))
    if report.accounts:
        rows.append(("Accounts", "<br/>".join(markup(account) for account in report.accounts)))
    if report.exhibits:
        rows.append(("Exhibits", markup(", ".join(exhibit.ref for exhibit in report.exhibits))))
    story: list[Flowable] = [
        Bookmark("title", plain(report.title), 0),
        Paragraph(markup(report.title), s.title),
        Paragraph(markup(report.school), s.school),
        Paragraph(
            f"Prepared by {markup(report.prepared_by)} on {markup(report.prepared_at)}", s.body
        ),
        Spacer(1, 2 * mm),
        key_values(rows),
        Spacer(1, 5 * mm),
    ]
    story += [Paragraph(markup(paragraph), s.body) for paragraph in report.summary]
    story += [Spacer(1, 3 * mm), boxed([Paragraph(markup(report.disclaimer), s.note)])]
    return story


def _safeguarding(report: Report) -> _Section | None:
    if not report.safeguarding:
        return None
    lines = [Paragraph(markup(line), styles().alert) for line in report.safeguarding]
    return "Safeguarding", [boxed(lines, background=ALERT_PAPER, border=ALERT, thickness=1.2)]


def _chronology(rows: Sequence[ChronologyRow]) -> _Section:
    if not rows:
        return "Chronology", [none_recorded()]
    data = [[row.when, row.ref or "—", row.event] for row in rows]
    table = ruled_table(["When", "Exhibit", "Event"], data, [0.32, 0.12, 0.56])
    return "Chronology", [table]


def _exhibits(exhibits: Sequence[Exhibit]) -> _Section:
    body: list[Flowable] = [] if exhibits else [none_recorded()]
    for index, exhibit in enumerate(exhibits):
        if index:
            body.append(PageBreak())
        body += _exhibit(exhibit, index)
    return "Exhibits", body


def _exhibit(exhibit: Exhibit, index: int) -> list[Flowable]:
    s = styles()
    heading = f"{exhibit.ref}: flag {exhibit.flag_id}"
    story: list[Flowable] = [
        Bookmark(f"ex{index}", plain(heading), 1),
        Paragraph(markup(heading), s.h2),
        key_values(_exhibit_facts(exhibit)),
        *bullets("Reasons", exhibit.reasons),
        Spacer(1, 8),
        Quote(f"Comment as captured ({plain(exhibit.ref)})", quote_lines(plain(exhibit.text))),
        *bullets("Decisions", exhibit.decisions),
    ]
    if exhibit.media_notes:
        story += bullets("Media", exhibit.media_notes)
    story += _artefacts(exhibit.artefacts)
    story += _custody(exhibit.custody)
    return story


def _exhibit_facts(exhibit: Exhibit) -> list[tuple[str, str]]:
    author = exhibit.author + (f" (id {exhibit.author_id})" if exhibit.author_id else "")
    facts = [
        ("Platform", exhibit.platform),
        ("Source", exhibit.source),
        ("Address", exhibit.address or "not recorded"),
        ("Author", author),
        ("Posted", exhibit.posted),
        ("Captured", exhibit.captured),
        ("Categories", ", ".join(exhibit.categories) or "none"),
        ("Targets", ", ".join(exhibit.targets) or "none recorded"),
        ("Status", exhibit.status),
        ("Model", exhibit.model),
    ]
    rows = [(key, markup(value)) for key, value in facts]
    rows.append(("Snapshot SHA-256", mono_markup(exhibit.snapshot_sha256)))
    return rows


def _artefacts(artefacts: Sequence[tuple[str, str]]) -> list[Flowable]:
    if not artefacts:
        return [*small_heading("Artefacts"), none_recorded()]
    data = [[path, Mono(sha)] for path, sha in artefacts]
    return [
        *small_heading("Artefacts"),
        ruled_table(["Path in the bundle", "SHA-256"], data, [0.38, 0.62]),
    ]


def _custody(lines: Sequence[CustodyLine]) -> list[Flowable]:
    if not lines:
        return [*small_heading("Custody log"), none_recorded()]
    data = [
        [str(line.seq), line.at, line.actor, line.action, Mono(line.hash[:16] + "…")]
        for line in lines
    ]
    widths = [0.07, 0.27, 0.22, 0.18, 0.26]
    headers = ["Seq", "At", "Actor", "Action", "Entry hash (start)"]
    note = Paragraph(
        "The full hashes are in the exhibit's custody.jsonl; each entry's hash covers the one "
        "before it, and the first covers the snapshot.",
        styles().note,
    )
    return [*small_heading("Custody log"), ruled_table(headers, data, widths), Spacer(1, 2), note]


def _harassment(lines: Sequence[str]) -> _Section | None:
    if not lines:
        return None
    return "Possible course of conduct", bullet_list(lines)


def _policy(clauses: Sequence[str]) -> _Section:
    s = styles()
    if not clauses:
        return "School policy", [none_recorded()]
    lead = Paragraph("The wording of the school's policy that applies to these comments:", s.body)
    return "School policy", [lead, *(Paragraph(markup(clause), s.clause) for clause in clauses)]


def _legislation(considerations: Sequence[Consideration]) -> _Section:
    s = styles()
    lead = Paragraph(
        "The provisions below are matters the reader may wish to consider, listed because of the "
        "categories the comments were placed in. They are not conclusions: whether any offence or "
        "civil wrong has occurred is for the police, the Crown Prosecution Service, the courts "
        "or the reader's own legal advice.",
        s.body,
    )
    body: list[Flowable] = [lead, Spacer(1, 2 * mm)]
    body += [_consideration(item) for item in considerations] or [none_recorded()]
    return "Legislation that may be relevant", body


def _consideration(item: Consideration) -> Flowable:
    s = styles()
    kind = _KINDS.get(item.kind, item.kind)
    raised = ", ".join(item.raised_by) or "no exhibit"
    return KeepTogether(
        [
            Paragraph(f"<b>{markup(item.title)}</b>", ParagraphStyle("ct", s.body, spaceAfter=1)),
            Paragraph(markup(kind), ParagraphStyle("ck", s.note, spaceAfter=2)),
            Paragraph(markup(item.summary), ParagraphStyle("cs", s.body, spaceAfter=1)),
            Paragraph(f"Raised by {markup(raised)}", ParagraphStyle("cr", s.note, spaceAfter=8)),
        ]
    )


def _letters(letters: Sequence[str]) -> _Section | None:
    if not letters:
        return None
    return "Letters sent", bullet_list(letters)


def _members(members: Sequence[Member]) -> _Section:
    lead = Paragraph(
        "The other files in this bundle, with their sizes and SHA-256 hashes. The hashes of this "
        "report and of manifest.json are in SHA256SUMS.",
        styles().body,
    )
    if not members:
        return "Bundle members", [lead, none_recorded()]
    data = [[member.path, f"{member.size:,}", Mono(member.sha256)] for member in members]
    table = ruled_table(["Path", "Bytes", "SHA-256"], data, [0.3, 0.1, 0.6], right={1})
    return "Bundle members", [lead, table]


_VERIFY_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        (
            "Check the whole bundle with the verifier inside it, which needs only Python 3 and its "
            "standard library, or with the moderation system where it is installed. Either says "
            "“intact”, or names the first file that fails."
        ),
        ("python3 verify_bundle.py <bundle.zip>", "moderator evidence verify <bundle.zip>"),
    ),
    (
        (
            "Without Python: unzip the bundle and, in its folder, check every file against "
            "SHA256SUMS; every line should say OK."
        ),
        ("sha256sum -c SHA256SUMS",),
    ),
    (
        (
            "The manifest hash (the SHA-256 of manifest.json) is written in README.txt. Confirm it "
            "with the sender by a separate channel, such as a telephone call."
        ),
        (),
    ),
    (
        (
            "If the bundle holds timestamp.tsr (a time-stamp over manifest.json from a "
            "time-stamping authority), check it with the authority's CA certificate:"
        ),
        ("openssl ts -verify -data manifest.json -in timestamp.tsr -CAfile <TSA CA>",),
    ),
)


def _verification() -> _Section:
    s = styles()
    step_style = ParagraphStyle("numbered", s.bullet, leftIndent=16)
    body: list[Flowable] = []
    for number, (words, commands) in enumerate(_VERIFY_STEPS, start=1):
        body.append(Paragraph(escape(words), step_style, bulletText=f"{number}."))
        body += [Paragraph(escape(command), s.command) for command in commands]
    return "How to verify this bundle", body
