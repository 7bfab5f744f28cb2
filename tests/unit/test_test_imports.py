"""Test modules never import each other: what two of them share lives in a support module of
``tests/`` (``factories.py``, ``cli.py``, ``web_client.py``, ...), so running, moving or deleting
one test module never changes another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


def is_test_module(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1].startswith("test_")


def imports_of_test_modules(source: str, package: str) -> list[str]:
    """The test modules that ``source`` (a module of ``package``) imports, as dotted names."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if is_test_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if is_test_module(base):
                found.append(base)
            found += [f"{base}.{a.name}" for a in node.names if is_test_module(a.name)]
    return found


def modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "output" not in p.parts)


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        (
            "from tests.integration.test_web import Browser",
            "tests.unit",
            ["tests.integration.test_web"],
        ),
        ("import tests.unit.test_verify as tv", "tests.acceptance", ["tests.unit.test_verify"]),
        ("from tests.integration import test_web", "tests.unit", ["tests.integration.test_web"]),
        ("from .test_cli import run", "tests.acceptance", ["tests.acceptance.test_cli"]),
        ("from . import test_cli", "tests.acceptance", ["tests.acceptance.test_cli"]),
        ("from ..integration.test_web import School", "tests.unit", ["tests.integration.test_web"]),
        ("from tests.web_client import Browser\nimport pytest", "tests.unit", []),
        ("from tests.factories import jsonl", "tests.integration", []),
    ],
)
def test_the_check_finds_imports_of_test_modules(
    source: str, package: str, expected: list[str]
) -> None:
    assert imports_of_test_modules(source, package) == expected


def test_the_tests_are_all_seen() -> None:
    names = {p.relative_to(TESTS).as_posix() for p in modules()}
    assert {"conftest.py", "factories.py", "unit/test_test_imports.py"} <= names
    assert sum(1 for n in names if Path(n).name.startswith("test_")) > 50


def test_no_test_module_imports_another() -> None:
    offenders = []
    for path in modules():
        relative = path.relative_to(TESTS.parent).with_suffix("")
        package = ".".join(relative.parts[:-1])
        for imported in imports_of_test_modules(path.read_text(encoding="utf-8"), package):
            offenders.append(f"{relative.as_posix()}.py imports {imported}")
    assert offenders == [], "move what they share into a support module of tests/"
