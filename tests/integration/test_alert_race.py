"""Several workers raise alerts at once (each scan raises them for every recent flag, its own or
another worker's): the second raiser of a flag adds nothing and does not fail its scan.

PostgreSQL only: it is where several workers share one database (on SQLite one writer at a time
holds the file, so two raisers never overlap)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select

from moderator.review import alerts
from moderator.store import db
from moderator.store.models import Alert
from tests.databases import PostgresDatabases
from tests.factories import LEXICAL, MINIMAL_CONFIG
from tests.web_client import scanned_school

ROWS = [
    {"id": f"t{n}", "text": f"I will smash your face in at the gate, number {n}", "author": "Xan"}
    for n in range(5)
]


@pytest.fixture
def postgres_engine(postgres_databases: PostgresDatabases) -> Iterator[Engine]:
    with postgres_databases.lend(migrated=True) as url:
        engine = db.connect(url)
        yield engine
        engine.dispose()


@pytest.mark.postgres
def test_a_second_raiser_waits_for_the_first_then_adds_nothing(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    school = scanned_school(postgres_engine, tmp_path, MINIMAL_CONFIG + LEXICAL, ROWS, people={})
    with db.session_scope(postgres_engine) as session:
        session.execute(delete(Alert))  # as if no worker had raised them yet
    outcome: list[object] = []

    def second() -> None:
        try:
            with db.session_scope(postgres_engine) as session:
                outcome.append(alerts.raise_new(session, school.config))
        except Exception as exc:  # noqa: BLE001 - what the old code raised is the finding
            outcome.append(exc)

    with db.session_scope(postgres_engine) as first:
        assert alerts.raise_new(first, school.config) == len(ROWS)
        racer = threading.Thread(target=second)
        racer.start()
        time.sleep(0.5)  # the second raiser has read the same flags and waits on the first
    racer.join(30)
    assert outcome == [0]
    with db.session_scope(postgres_engine) as session:
        assert session.scalar(select(func.count(Alert.id))) == len(ROWS)
