"""The bundled letter templates say what the policies ask of each letter."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from moderator.review import letters
from moderator.settings import config as settings

SAMPLE = Path(settings.__file__).parent / "sample" / "school.toml"
QUOTED = "Mistry is a disgrace and should be sacked"


@pytest.fixture(scope="module")
def school() -> settings.SchoolConfig:
    return settings.load(SAMPLE)


def context(school: settings.SchoolConfig, count: int = 1) -> dict[str, Any]:
    comment = {
        "text": QUOTED,
        "posted": "3 October 2026 at 09:15 BST",
        "platform": "Facebook",
        "source": "facebook",
        "permalink": "https://www.facebook.com/1/posts/2?comment_id=3",
    }
    return {
        **letters.context(school, [], "Dazza Kenyon", "case 7, flag 15"),
        "comments": [comment] * count,
    }


def text(kind: str, school: settings.SchoolConfig, count: int = 1) -> str:
    return letters.render(kind, school, context(school, count)).text


def test_the_meeting_invitation_names_the_agreement_asks_for_removal_and_warns(
    school: settings.SchoolConfig,
) -> None:
    letter = text("meeting", school)
    assert "Invitation to a meeting" in letter and "Dear Dazza Kenyon" in letter
    assert "Home-School Agreement" in letter
    assert "we ask you to remove it from social media" in letter
    assert (
        "to discuss the breaking of the Home-School Agreement and the possible repercussions"
        in (letter)
    )
    assert QUOTED in letter and "Anjali Mistry" in letter and school.name in letter
    assert "remove them from social media" in text("meeting", school, count=2)


def test_the_written_warning_is_called_a_warning_sets_out_concerns_and_asks_for_removal(
    school: settings.SchoolConfig,
) -> None:
    letter = text("written_warning", school)
    assert "Written warning about comments" in letter
    assert "formal written warning" in letter and "sets out in writing the school's concerns" in (
        letter
    )
    assert "We ask you to remove it within seven days" in letter
    assert "Home-School Agreement" in letter and "reporting the matter to the police" in letter
    assert "these comments breach" in text("written_warning", school, count=2)


def test_the_complaint_reply_is_short_public_and_holds_no_personal_data(
    school: settings.SchoolConfig,
) -> None:
    reply = text("complaint_reply", school)
    assert "complaints procedure" in reply and school.name in reply
    for personal in ("Dazza", "Kenyon", QUOTED, "Mistry", "case 7", "flag 15", "facebook.com"):
        assert personal not in reply
    assert len(reply) < 600  # a comment-sized reply, not a letter


@pytest.mark.parametrize("kind", letters.KINDS)
def test_every_template_uses_only_the_names_a_template_can_use(
    kind: str, school: settings.SchoolConfig
) -> None:
    source = (letters.TEMPLATES / f"{kind}.txt.j2").read_text(encoding="utf-8")
    names = set(letters.NAMES) | {"comment", "loop"}

    used = set(re.findall(r"{{-?\s*([a-z_]+)", source)) | set(
        re.findall(r"{%-?\s*for \w+ in ([a-z_]+)", source)
    )
    assert used <= names, used - names
    assert text(kind, school).strip()
