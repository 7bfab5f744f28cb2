"""The two front doors, the command line (``moderator.cli``) and the web (``moderator.web``), sit
on top: the web never imports the command line, and nothing below them imports either (what
both need, such as the wording of a decision, lives in the domain: ``moderator.review.wording``).
``moderator/__main__.py`` is the one exception: it is the command line's other entry point."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "moderator"
DOORS = ("moderator.cli", "moderator.web")


def modules_imported(path: Path, root: Path = ROOT) -> set[str]:
    """Every dotted module name ``path`` imports (``from a.b import c`` gives ``a.b`` and
    ``a.b.c``), at any depth of the module; relative imports are resolved."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def imports_a_door(path: Path, doors: tuple[str, ...], root: Path = ROOT) -> bool:
    return any(
        name == door or name.startswith(door + ".")
        for name in modules_imported(path, root)
        for door in doors
    )


def test_the_web_never_imports_the_command_line() -> None:
    offenders = [
        str(m.relative_to(ROOT))
        for m in sorted((PACKAGE / "web").rglob("*.py"))
        if imports_a_door(m, ("moderator.cli",))
    ]
    assert not offenders


BELOW = sorted(
    p.name
    for p in PACKAGE.iterdir()
    if (p / "__init__.py").is_file() and p.name not in ("cli", "web")
)


def test_the_domain_has_packages_below_the_doors() -> None:
    assert {"review", "policy", "store"} <= set(BELOW)


@pytest.mark.parametrize("folder", BELOW)
def test_nothing_below_the_front_doors_imports_them(folder: str) -> None:
    offenders = [
        str(m.relative_to(ROOT))
        for m in sorted((PACKAGE / folder).rglob("*.py"))
        if imports_a_door(m, DOORS)
    ]
    assert not offenders


def test_the_check_sees_every_form_of_import(tmp_path: Path) -> None:
    web = tmp_path / "moderator" / "web"
    web.mkdir(parents=True)
    forms = [
        "from moderator.cli import words\n",
        "import moderator.cli.words\n",
        "def f():\n    from moderator.cli.words import DID\n",
        "from ..cli import words\n",
        "from moderator import cli\n",
    ]
    for number, source in enumerate(forms):
        module = web / f"m{number}.py"
        module.write_text(source, encoding="utf-8")
        assert imports_a_door(module, ("moderator.cli",), tmp_path), source
    clean = web / "clean.py"
    clean.write_text("from moderator.review import wording\n", encoding="utf-8")
    assert not imports_a_door(clean, ("moderator.cli",), tmp_path)
