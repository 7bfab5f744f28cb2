"""Fixtures shared by the integration tests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from moderator.ingest import sources


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Temporary faults retried after milliseconds, not seconds (a module asks for it with
    ``pytestmark = pytest.mark.usefixtures("quick_retries")``)."""
    real = sources.policy
    monkeypatch.setattr(
        sources, "policy", lambda config: replace(real(config), transient_base_seconds=0.01)
    )
