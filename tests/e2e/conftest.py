"""The browser tests' shared fixtures, one copy each: the sample school, Playwright with Debian's
chromium, and the web interface served on loopback over the module's own ``database``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Playwright, sync_playwright
from sqlalchemy import Engine

from moderator.settings import config as config_mod
from tests import browser as b


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> config_mod.SchoolConfig:
    return b.sample_school(tmp_path_factory.mktemp("school"))


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    b.chromium_path()  # fail at once, with what to do, when chromium is missing
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def base(database: Engine, school: config_mod.SchoolConfig) -> Iterator[str]:
    """The web interface over the module's ``database`` fixture, on loopback."""
    with b.serve(database, school, secure_cookies=True) as url:
        yield url
