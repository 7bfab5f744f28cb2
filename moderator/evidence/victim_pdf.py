"""A staff member's record (``victim_record.Record``) as an A4 PDF with reportlab: one section
per comment that named them, then the letters, each snapshot's fingerprint with its custody
log. The same record always gives the same bytes."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from moderator.evidence import fonts
from moderator.evidence.report_style import SANS, SANS_BOLD, simple_pdf

if TYPE_CHECKING:
    from moderator.evidence.victim_record import Incident, Record

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
RULE = colors.HexColor("#9a9a9a")
PAPER = colors.HexColor("#f4f4f4")
#: A run of this many characters without a space is given places to break.
LONG_WORD = 40


def render(record: Record) -> bytes:
    return simple_pdf(
        lambda: _story(record),
        title=_plain(f"Staff record: {record.person}"),
        author=_plain(record.school),
        margin=MARGIN,
    )


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=SANS, fontSize=9.5, leading=13, spaceAfter=4)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=SANS_BOLD, fontSize=18, leading=23),
        "h1": ParagraphStyle(
            "h1", body, fontName=SANS_BOLD, fontSize=12.5, spaceBefore=12, spaceAfter=4
        ),
        "h2": ParagraphStyle("h2", body, fontName=SANS_BOLD, fontSize=10.5, spaceBefore=8),
        "quote": ParagraphStyle(
            "quote",
            body,
            backColor=PAPER,
            borderPadding=6,
            leftIndent=6,
            rightIndent=6,
            spaceBefore=6,
            spaceAfter=10,
        ),
        "small": ParagraphStyle("small", body, fontSize=8, leading=10.5),
    }


def _plain(text: str) -> str:
    return fonts.face().printable(text)


def _t(text: str) -> str:
    """Text for Paragraph markup: printable, escaped, long runs breakable, lines kept."""
    text = re.sub(rf"\S{{{LONG_WORD}}}", lambda m: m.group(0) + "\u200b", _plain(text))
    return escape(text).replace("\n", "<br/>")


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(_t(text), _styles()[style])


def _story(record: Record) -> list[Flowable]:
    story: list[Flowable] = [
        _p(f"Staff record: {record.person}", "title"),
        _p(record.school),
        _facts(
            [
                (
                    "Member of staff",
                    f"{record.person}" + (f", {record.role}" if record.role else ""),
                ),
                ("Record", record.record_id),
                ("Prepared by", record.prepared_by),
                ("Prepared", record.prepared_at),
                ("Comments", str(len(record.incidents))),
                ("Letters", str(len(record.letters))),
            ]
        ),
        _p(
            "Comments that named this member of staff, as the school's moderation system recorded "
            "them, with the school's decisions and letters. Each comment was captured as evidence "
            "when it was first detected; the fingerprint (SHA-256) of each capture identifies the "
            "evidence the school keeps and can export for the police or a solicitor.",
            "small",
        ),
    ]
    story += [_p(note, "small") for note in record.notes]
    story.append(_p("Comments", "h1"))
    if not record.incidents:
        story.append(_p("No comment recorded by the moderation system names this member of staff."))
    for number, incident in enumerate(record.incidents, start=1):
        story += _incident(number, incident)
    if record.letters:
        story.append(_p("Letters", "h1"))
        for letter in record.letters:
            story.append(
                _p(
                    f"Letter {letter.id} ({letter.kind.replace('_', ' ')}), {letter.created}, by "
                    f"{letter.created_by}, about flag(s) {', '.join(map(str, letter.flag_ids))}; "
                    f"SHA-256 of its text {letter.sha256}",
                    "small",
                )
            )
    return story


def _incident(number: int, incident: Incident) -> list[Flowable]:
    head = [
        _p(f"{number}. Flag {incident.flag_id}: posted {incident.posted}", "h2"),
        _facts(
            [
                ("Where", f"{incident.platform} / {incident.source}"),
                ("Address", incident.address or "not recorded"),
                ("Posted by", incident.author),
                ("Categories", ", ".join(incident.categories) or "-"),
                ("Status", incident.status),
            ]
        ),
    ]
    body: list[Flowable] = [KeepTogether(head), _p(incident.text, "quote")]
    if incident.reasons:
        body.append(_p("Why it was flagged: " + "; ".join(incident.reasons), "small"))
    body.append(_p("Decisions", "small"))
    body += [_p(f"- {line}", "small") for line in incident.decisions] or [_p("- none yet", "small")]
    for print_ in incident.fingerprints:
        corrects = f", correcting snapshot {print_.corrects}" if print_.corrects else ""
        body.append(
            _p(
                f"Evidence snapshot {print_.snapshot_id}, captured {print_.captured} by "
                f"{print_.captured_by}{corrects}. SHA-256 {print_.sha256}. Custody log: "
                + "; ".join(
                    f"{e['seq']}. {e['at'][:19]}Z {e['action']} by {e['actor']}"
                    for e in print_.custody
                ),
                "small",
            )
        )
    body.append(Spacer(1, 6))
    return body


def _facts(rows: Sequence[tuple[str, str]]) -> Table:
    styles = _styles()
    data = [[Paragraph(_t(k), styles["small"]), Paragraph(_t(v), styles["small"])] for k, v in rows]
    table = Table(data, colWidths=[32 * mm, WIDTH - 32 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (0, -1), SANS_BOLD),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table
