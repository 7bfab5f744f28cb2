"""The leaf packages (the classifiers, the connectors and the work queue) never import the
application: ``moderator`` depends on them, not the other way round (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEAVES = ("classifiers", "connectors", "queue/workqueue")


def imported(path: Path) -> set[str]:
    """Top-level package names ``path`` imports, at any depth of the module."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("leaf", LEAVES)
def test_a_leaf_package_never_imports_the_application(leaf: str) -> None:
    modules = sorted((ROOT / leaf).rglob("*.py"))
    assert modules, leaf
    offenders = [str(m.relative_to(ROOT)) for m in modules if "moderator" in imported(m)]
    assert not offenders


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from moderator.policy.decide import Policy\n", encoding="utf-8"
    )
    assert "moderator" in imported(module)
