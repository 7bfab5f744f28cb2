"""The queue/ folder must never shadow the standard library's queue module."""

from __future__ import annotations

import importlib.metadata
import queue
import sysconfig
from pathlib import Path

import workqueue

ROOT = Path(__file__).resolve().parents[2]


def test_stdlib_queue_is_the_real_one() -> None:
    assert Path(queue.__file__).parent == Path(sysconfig.get_paths()["stdlib"])
    assert hasattr(queue, "SimpleQueue")


def test_queue_folder_is_not_a_package() -> None:
    assert (ROOT / "queue" / "workqueue" / "__init__.py").is_file()
    assert not (ROOT / "queue" / "__init__.py").exists()


def test_workqueue_is_imported_from_the_queue_folder() -> None:
    assert Path(workqueue.__file__).parent == ROOT / "queue" / "workqueue"


def test_thread_pool_still_works() -> None:
    """concurrent.futures imports stdlib queue: a shadowing folder breaks this."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(abs, [-1, -2])) == [1, 2]


def test_no_other_distribution_claims_our_packages() -> None:
    owners = importlib.metadata.packages_distributions()
    for name in ("moderator", "classifiers", "connectors", "workqueue"):
        assert set(owners.get(name, [])) <= {"school-moderator"}, name
