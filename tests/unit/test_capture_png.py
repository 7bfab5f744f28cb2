"""The capture image: drawn from a snapshot, read back by real OCR (tesseract), deterministic."""

from __future__ import annotations

import copy
import io
import os
import re
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from moderator.evidence import capture_png, capture_text

SHA = "9c1d4f0a6b2e8c3d5f7a9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4"
THREAT = "I know where you live Mr Hughes, watch your back"


def snapshot(**changes: Any) -> dict[str, Any]:
    """A realistic snapshot of a threat against a teacher, replying under a school's post."""
    content: dict[str, Any] = {
        "format": "school-moderator/evidence-snapshot/2",
        "captured_at": "2025-03-12T16:41:02.123456+00:00",
        "school": "Brookside Primary School",
        "source": {"name": "brookside-facebook", "platform": "facebook"},
        "address": "https://www.facebook.com/104857392011/posts/998877665544332211"
        "?comment_id=3141592653589793",
        "post": {
            "id": "104857392011_998877665544332211",
            "message": "Well done to Year 6 for a brilliant performance of Oliver! last night. "
            "Thank you to all the parents and carers who came along.",
            "permalink": "https://www.facebook.com/104857392011/posts/998877665544332211",
            "created_time": "2025-03-12T09:15:00+00:00",
        },
        "thread": {
            "parent": {
                "id": "998877665544332211_2718281828",
                "author": "Sarah Collins",
                "created_time": "2025-03-12T15:02:11+00:00",
                "text": "Why was my son left out of the main parts again?",
                "by_owner": False,
            },
            "before": [],
            "after": [
                {
                    "id": "998877665544332211_1618033988",
                    "author": "Emma Price",
                    "created_time": "2025-03-12T16:45:20+00:00",
                    "text": "That is completely out of order.",
                    "by_owner": False,
                }
            ],
        },
        "comment": {
            "id": "998877665544332211_3141592653589793",
            "parent_id": "998877665544332211_2718281828",
            "text": THREAT,
            "author": {"id": "7209384756102938", "name": "Daniel Marsh"},
            "created_time": "2025-03-12T16:40:01+00:00",
            "permalink": None,
            "first_seen_at": "2025-03-12T16:41:00+00:00",
        },
        "raw": {"id": "998877665544332211_3141592653589793", "message": THREAT},
        "classification": {
            "model": "detoxify-original",
            "version": "0.5.2",
            "scores": {"threat": 0.93},
            "categories": ["threat"],
            "reasons": ["threat score 0.93"],
            "spans": [[33, 48, "threat"]],
            "targets": [],
            "step": None,
            "route": None,
        },
        "media": [
            {
                "index": 1,
                "type": "photo",
                "url": "https://scontent.xx.fbcdn.net/v/t39/photo.jpg",
                "status": "stored",
                "file": "media-1.jpg",
                "sha256": "ab" * 32,
                "reason": None,
            }
        ],
        "indecent_image_risk": False,
        "corrects": None,
    }
    content.update(changes)
    return content


def ocr(png: bytes, folder: Path) -> str:
    """What tesseract reads in the image: lower case, whitespace collapsed."""
    path = folder / "capture.png"
    path.write_bytes(png)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # much faster on small machines
    result = subprocess.run(
        ["tesseract", str(path), "stdout"], capture_output=True, text=True, check=True, env=env
    )
    return re.sub(r"\s+", " ", result.stdout).lower()


def opened(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_the_capture_reads_back_as_the_comment_in_its_thread(tmp_path: Path) -> None:
    png = capture_png.render(snapshot(), SHA)
    image = opened(png)
    assert image.format == "PNG" and image.width == 1000 and 800 < image.height < 2500
    assert len(png) < 150_000
    text = ocr(png, tmp_path)
    assert "drawn from the recorded data" in text
    assert "12 mar 2025" in text and "16:40:01" in text  # posted, UK time and UTC
    assert "16:41:02" in text  # captured
    assert "facebook.com" in text
    assert "watch your back" in text and "where you live" in text
    assert "daniel marsh" in text
    assert "flagged comment" in text
    assert "sarah collins" in text and "emma price" in text  # the thread around it
    assert "media-1.jpg" in text
    assert "brookside primary school" in text


def test_withheld_media_shows_the_warning_and_nothing_is_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("render tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    media = [
        {
            "index": 1,
            "type": "photo",
            "url": "https://scontent.xx.fbcdn.net/v/t39/withheld.jpg",
            "status": "withheld",
            "file": None,
            "sha256": None,
            "reason": "sexual category: attachments are never downloaded",
        }
    ]
    png = capture_png.render(snapshot(media=media, indecent_image_risk=True), SHA)
    monkeypatch.undo()
    text = ocr(png, tmp_path)
    assert "possible indecent image of a child" in text
    assert "do not view, copy or share" in text
    assert "refer to the dsl and the police" in text
    assert "not downloaded or stored" in text
    assert "fbcdn" not in text  # the address of the image is not drawn, let alone the image


def test_odd_unicode_and_a_huge_comment_stay_legible_and_bounded(tmp_path: Path) -> None:
    text = "\u202egnp.exe Привет 😀 a\u200db " + "x" * 100_000
    content = snapshot()
    content["comment"]["text"] = text
    content["classification"]["spans"] = [[0, 9, "spam"], [99_000, 99_100, "spam"]]
    png = capture_png.render(content, SHA)
    image = opened(png)
    assert image.width == 1000 and image.height < 6000
    read = ocr(png, tmp_path)
    assert "u+202e" in read
    assert "text continues" in read and "snapshot.json" in read


def test_spans_keep_their_place_when_characters_are_spelled_out() -> None:
    prepared = capture_text.prepare("a\u202ebc\td", [(2, 3)])
    assert prepared.text == "a[U+202E]bc d"
    highlighted = "".join(
        ch for ch, mark in zip(prepared.text, prepared.marks, strict=True) if mark
    )
    assert highlighted == "b"
    assert prepared.origin[prepared.text.index("c")] == 3
    assert prepared.origin[prepared.text.index("]")] == 1


def test_long_words_and_addresses_wrap_within_the_width() -> None:
    font = capture_text.PLAIN.font
    text = "https://www.facebook.com/" + "9" * 300 + " next words"
    lines = capture_text.wrap(text, font, 400, max_lines=50)
    assert len(lines) > 2
    assert all(font.getlength(text[start:end]) <= 400 for start, end in lines)
    assert "".join(text[start:end] for start, end in lines).replace(" ", "") == text.replace(
        " ", ""
    )


def test_the_same_snapshot_gives_the_same_bytes() -> None:
    first = capture_png.render(snapshot(), SHA)
    assert capture_png.render(copy.deepcopy(snapshot()), SHA) == first
    assert capture_png.render(snapshot(), "0" * 64) != first


def test_older_and_damaged_snapshots_still_render() -> None:
    oldest = {"captured_at": "2024-01-05T10:00:00+00:00", "comment": {"text": "hello"}}
    assert opened(capture_png.render(oldest, SHA)).width == 1000
    damaged = snapshot(
        thread="not a thread",
        media=[None, {"status": "failed"}],
        post=None,
        source=None,
        classification={"spans": [["a", 3], [5, 2, "x"], None], "categories": None},
        corrects={"snapshot_id": 7, "sha256": "cd" * 32, "reason": "edited after capture"},
    )
    damaged["comment"]["created_time"] = "not a time"
    assert opened(capture_png.render(damaged, SHA)).width == 1000


def test_a_long_thread_is_cut_to_a_sane_size() -> None:
    entry = {"id": "e", "author": "A Parent", "created_time": None, "text": "word " * 2000}
    content = snapshot(thread={"parent": entry, "before": [entry] * 40, "after": [entry] * 40})
    content["post"]["message"] = "long post " * 5000
    image = opened(capture_png.render(content, SHA))
    assert image.height < 6000
