"""The evidence report PDF, read back with the real tools: pdftotext, pdftoppm and tesseract.

The tools come from ``scripts/ensure-system-packages`` (poppler-utils, tesseract-ocr).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from moderator.evidence import report_pdf
from moderator.evidence.report import (
    ChronologyRow,
    Consideration,
    CustodyLine,
    Exhibit,
    Member,
    Report,
)

THREAT = "I know where you live Mr Hughes, watch your back"
ABUSE = "Mrs Patel is a useless cow and everyone at Oakfield knows it"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _custody(name: str) -> tuple[CustodyLine, ...]:
    return (
        CustodyLine(1, "2025-03-12 16:41:02 UTC", "scanner", "captured", _sha(name + "1")),
        CustodyLine(2, "2025-03-13 09:10:44 UTC", "j.smith", "viewed", _sha(name + "2")),
        CustodyLine(3, "2025-03-14 11:02:09 UTC", "j.smith", "exported", _sha(name + "3")),
    )


def _exhibit(ref: str, flag_id: int, text: str, categories: tuple[str, ...]) -> Exhibit:
    return Exhibit(
        ref=ref,
        flag_id=flag_id,
        platform="facebook",
        source="oakfield-page",
        address=f"https://www.facebook.com/OakfieldPrimary/posts/1029384756?comment_id={flag_id}",
        author="Jo Bloggs",
        author_id="100087654321",
        posted="Wed 12 Mar 2025 16:40:01 GMT (2025-03-12 16:40:01 UTC)",
        captured="Wed 12 Mar 2025 16:41:02 GMT (2025-03-12 16:41:02 UTC)",
        text=text,
        categories=categories,
        reasons=(f"{categories[0]} score 0.97 (threshold 0.80)", "names a member of staff"),
        targets=("Mr Hughes (staff)",),
        status="confirmed",
        decisions=("2025-03-13 09:10 UTC j.smith confirmed: clear breach of the policy",),
        model="bundled-minilm 2026.10",
        snapshot_sha256=_sha(text),
        artefacts=(
            (f"exhibits/{ref}/snapshot.json", _sha(ref + "snapshot")),
            (f"exhibits/{ref}/capture.png", _sha(ref + "capture")),
        ),
        media_notes=("photo downloaded: media-1.jpg",) if flag_id == 12 else (),
        custody=_custody(ref),
    )


def realistic_report() -> Report:
    exhibits = (
        _exhibit("EX-001", 12, THREAT, ("threat", "harassment")),
        _exhibit("EX-002", 15, ABUSE, ("abuse",)),
    )
    members = (
        *(Member(path, sha, 1000 + n) for n, (path, sha) in enumerate(exhibits[0].artefacts)),
        Member("audit.jsonl", _sha("audit"), 2048),
    )
    return Report(
        school="Oakfield Primary School",
        bundle_id="B-2025-0314-7f3a",
        title="Evidence bundle for case 3",
        prepared_by="j.smith (Designated Safeguarding Lead)",
        prepared_at="Fri 14 Mar 2025 11:02:09 GMT (2025-03-14 11:02:09 UTC)",
        poster="Jo Bloggs",
        accounts=("facebook: Jo Bloggs (100087654321)",),
        summary=(
            (
                "Two comments were posted on the school's Facebook page on 12 March 2025 by the "
                "same account. Both were captured before they were hidden."
            ),
        ),
        exhibits=exhibits,
        chronology=(
            ChronologyRow("Wed 12 Mar 2025 16:40 GMT", "EX-001", "comment posted (threat)"),
            ChronologyRow("Wed 12 Mar 2025 16:52 GMT", "EX-002", "comment posted (abuse)"),
            ChronologyRow("Thu 13 Mar 2025 09:30 GMT", None, "letter 1 sent to the poster"),
        ),
        harassment=("Jo Bloggs: 2 flagged comments about Mr Hughes within 12 minutes",),
        policy_clauses=("Comments that threaten or abuse members of staff will be removed.",),
        considerations=(
            Consideration(
                "Online Safety Act 2023, s181 (threatening communications)",
                "criminal",
                "Sending a message that conveys a threat of death or serious harm, intending "
                "or being reckless as to the recipient fearing it would be carried out.",
                ("EX-001",),
            ),
            Consideration(
                "Protection from Harassment Act 1997, s2",
                "criminal",
                "A course of conduct amounting to harassment.",
                ("EX-001", "EX-002"),
            ),
        ),
        letters=("Thu 13 Mar 2025: letter 1 (warning) sent to Jo Bloggs",),
        safeguarding=(),
        members=members,
    )


def hostile_report() -> Report:
    base = realistic_report()
    hostile = "<script>&amp;</b> \u202eevil\u202c 😀 中 Привет, учитель\r\nsecond line"
    long_text = "0123456789abcdef" * 6250
    assert len(long_text) == 100_000
    return replace(
        base,
        school="Oakfield <b>Primary</b> & \u202eSchool",
        title="Evidence bundle for flag 12 <script>",
        exhibits=(
            replace(base.exhibits[0], text=hostile, author="<script>alert(1)</script>"),
            replace(base.exhibits[1], text=long_text, address="https://x.example/" + "a" * 400),
        ),
        safeguarding=("Do not open, copy or share the attachment; contact the police.",),
    )


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run scripts/ensure-system-packages", pytrace=False)
    return path


def _write(tmp_path: Path, report: Report) -> Path:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf.render(report))
    return pdf


def _pdftotext(pdf: Path) -> str:
    args = [_tool("pdftotext"), "-layout", str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def test_text_reads_back(tmp_path: Path) -> None:
    report = realistic_report()
    text = _pdftotext(_write(tmp_path, report))
    flat = re.sub(r"\s+", "", text)
    for expected in (report.title, report.school, report.bundle_id, THREAT, ABUSE):
        assert re.sub(r"\s+", "", expected) in flat, expected
    assert "Online Safety Act 2023" in text
    assert "s181" in text
    assert report.exhibits[0].snapshot_sha256 in flat
    assert "page 1 of" in text
    pages = text.count("\f")
    assert pages > 1 and f"page {pages} of {pages}" in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "python3 verify_bundle.py" in text


def test_first_page_reads_back_by_ocr(tmp_path: Path) -> None:
    pdf = _write(tmp_path, realistic_report())
    prefix = tmp_path / "page"
    subprocess.run(
        [_tool("pdftoppm"), "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    (png,) = tmp_path.glob("page*.png")
    ocr = subprocess.run(
        [_tool("tesseract"), str(png), "stdout"], check=True, capture_output=True, text=True
    ).stdout
    for word in ("Evidence", "bundle", "case", "Oakfield", "Primary", "School"):
        assert word in ocr, (word, ocr)


def test_hostile_text_renders(tmp_path: Path) -> None:
    text = _pdftotext(_write(tmp_path, hostile_report()))
    assert "[U+202E]" in text
    assert "<script>" in text
    assert "&amp;</b>" in text
    assert "Привет" in text
    assert "[U+1F600]" in text  # DejaVu has the emoji, but reportlab maps it wrongly for text
    assert "[U+4E2D]" in text  # not in DejaVu Sans
    assert "[U+000D]" in text
    flat = re.sub(r"\s+", "", text)
    assert "0123456789abcdef" * 100 in flat


def test_same_report_same_bytes() -> None:
    report = realistic_report()
    first = report_pdf.render(report)
    assert first.startswith(b"%PDF-")
    assert report_pdf.render(report) == first
    assert report_pdf.render(replace(report, bundle_id="B-other")) != first
