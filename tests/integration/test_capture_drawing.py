"""The capture image is drawn once, when first needed, and the custody log says when: by the
worker after the scan, by the flag's page, or by an export; two drawers at once store one."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from moderator.evidence import capture_png, drawing, media, snapshot
from moderator.ops.worker import Worker
from moderator.policy.classify import classifier_for
from moderator.store import db
from moderator.store.models import CustodyEvent, EvidenceArtefact, EvidenceSnapshot
from tests.factories import LEXICAL, MINIMAL_CONFIG
from tests.web_client import School, cheap_hashes, scanned_school

__all__ = ["cheap_hashes"]  # an autouse fixture: cheap password hashes for the signed-in users

CONFIG = MINIMAL_CONFIG + LEXICAL
ROWS = [
    {"id": "c1", "text": "I will smash your face in, watch your back", "author": "Pat"},
    {"id": "c2", "text": "Mrs Holloway is a useless fucking idiot", "author": "Sam"},
    {"id": "c3", "text": "Lovely photos of sports day", "author": "Kim"},
]


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> School:
    return scanned_school(engine, tmp_path, CONFIG, ROWS)


def images(engine: Engine) -> dict[int, bytes]:
    with db.session_scope(engine) as session:
        return dict(
            session.execute(
                select(EvidenceArtefact.snapshot_id, EvidenceArtefact.data).where(
                    EvidenceArtefact.name == drawing.IMAGE
                )
            ).all()
        )


def chain(engine: Engine, snapshot_id: int) -> list[tuple[str, str, dict[str, object]]]:
    with db.session_scope(engine) as session:
        return [
            (e.actor, e.action, e.detail)
            for e in session.scalars(
                select(CustodyEvent)
                .where(CustodyEvent.snapshot_id == snapshot_id)
                .order_by(CustodyEvent.seq)
            )
        ]


def test_the_scan_seals_the_snapshot_and_leaves_the_image_for_later(site: School) -> None:
    with db.session_scope(site.engine) as session:
        shots = session.scalars(select(EvidenceSnapshot).order_by(EvidenceSnapshot.id)).all()
        assert len(shots) == 2 and all(snapshot.intact(s) for s in shots)
        assert drawing.pending(session, 10) == [s.id for s in shots]
    assert images(site.engine) == {}
    (captured,) = chain(site.engine, shots[0].id)
    assert captured[1] == "captured" and captured[2]["capture_image"] == snapshot.LATER


def test_the_worker_draws_what_the_scan_left_and_records_it(site: School) -> None:
    tally = Worker(site.engine, site.config, classifier_for(site.config)).run(once=True)
    assert tally.images == 2 and tally.errors == []
    drawn = images(site.engine)
    with db.session_scope(site.engine) as session:
        assert drawing.pending(session, 10) == []
        for shot in session.scalars(select(EvidenceSnapshot)):
            # the same picture the scan used to draw: the sealed JSON, drawn now
            assert drawn[shot.id] == capture_png.render(json.loads(shot.content), shot.sha256)
            added = chain(site.engine, shot.id)[-1]
            assert added[:2] == ("system", "artefact_added")
            assert added[2]["why"] == "drawn after the scan"
            assert added[2]["artefacts"] == {"capture.png": media.digest(drawn[shot.id])}
    again = Worker(site.engine, site.config, classifier_for(site.config)).run(once=True)
    assert again.images == 0 and images(site.engine) == drawn


def test_the_flags_page_draws_it_on_first_look_and_then_serves_the_stored_one(
    site: School,
) -> None:
    flag = site.flags["c1"]
    head = site.sign_in("head")
    first = head.get(f"/flags/{flag}/capture.png")
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    (shot_id, stored), *_ = images(site.engine).items()
    assert first.content == stored
    assert head.get(f"/flags/{flag}/capture.png").content == stored
    added = [e for e in chain(site.engine, shot_id) if e[1] == "artefact_added"]
    assert [(actor, detail["why"]) for actor, _, detail in added] == [
        ("head (Head Person, headteacher)", "drawn for the flag's page")
    ]


def test_two_drawers_at_once_store_one_image_and_one_entry(site: School) -> None:
    start = threading.Barrier(2)
    drawn: list[int] = []

    def draw() -> None:
        start.wait()
        drawn.append(drawing.draw_pending(site.engine, limit=10))

    threads = [threading.Thread(target=draw) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(images(site.engine)) == 2
    with db.session_scope(site.engine) as session:
        added = session.scalars(
            select(CustodyEvent).where(CustodyEvent.action == "artefact_added")
        ).all()
    assert len(added) == 2 and sum(drawn) == 2
