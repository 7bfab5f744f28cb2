"""docs/architecture.md's directory map names every package and every module in a package under
the four source roots, and names nothing that is gone; the paths and links the document cites
exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
ROOTS = ("moderator", "classifiers", "connectors", "queue/workqueue")

#: A row of a map table: its first cell is one path in backticks.
ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)
#: A path the prose cites: a backticked name under a source root, or a doc link.
CITED = re.compile(r"`((?:moderator|classifiers|connectors|queue|scripts|bench|tests)/[^`\s]*)`")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def packaged(base: Path, roots: tuple[str, ...] = ROOTS) -> set[str]:
    """Every module in a package (``a/b.py``) and every subpackage (``a/b/``) under ``roots``.

    A folder without ``__init__.py`` (templates, migrations, the model artefact) is data, not a
    package, and neither it nor anything under it is listed."""
    found: set[str] = set()
    pending = [base / root for root in roots]
    while pending:
        package = pending.pop()
        if not (package / "__init__.py").is_file():
            continue
        for child in package.iterdir():
            if child.is_file() and child.suffix == ".py":
                found.add(child.relative_to(base).as_posix())
            elif child.is_dir() and (child / "__init__.py").is_file():
                found.add(child.relative_to(base).as_posix() + "/")
                pending.append(child)
    return found


def directory_map(text: str) -> set[str]:
    """The paths in the first column of the tables under ``## Directory map``."""
    start = text.index("\n## Directory map\n")
    end = text.find("\n## ", start + 1)
    return set(ROW.findall(text[start : end if end != -1 else len(text)]))


def test_every_package_and_module_is_in_the_directory_map() -> None:
    missing = sorted(packaged(ROOT) - directory_map(DOC.read_text(encoding="utf-8")))
    assert not missing, f"add to docs/architecture.md's directory map: {missing}"


def test_the_directory_map_names_nothing_that_is_gone() -> None:
    named = directory_map(DOC.read_text(encoding="utf-8"))
    gone = sorted(path for path in named if not (ROOT / path).exists())
    assert not gone, f"in docs/architecture.md's directory map but not in the tree: {gone}"


def test_every_path_and_link_the_document_cites_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    cited = {path for path in CITED.findall(text) if "NAME" not in path}
    gone = sorted(path for path in cited if not (ROOT / path).exists())
    links = {link for link in LINK.findall(text) if "://" not in link}
    broken = sorted(link for link in links if not (DOC.parent / link).exists())
    assert not gone and not broken, (gone, broken)


def test_the_walk_sees_a_new_module_and_a_nested_package_but_not_data(tmp_path: Path) -> None:
    for name in ("app/__init__.py", "app/new.py", "app/sub/__init__.py", "app/sub/deep.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "app/migrations/versions").mkdir(parents=True)
    (tmp_path / "app/migrations/versions/0001_x.py").write_text("", encoding="utf-8")
    (tmp_path / "app/notes.txt").write_text("", encoding="utf-8")
    assert packaged(tmp_path, ("app",)) == {
        "app/__init__.py",
        "app/new.py",
        "app/sub/",
        "app/sub/__init__.py",
        "app/sub/deep.py",
    }


def test_the_map_is_read_from_its_own_section_only() -> None:
    text = (
        "# T\n\n## Directory map\n\n| path | holds |\n|---|---|\n| `a/b.py` | b |\n\n"
        "## Later\n\n| `a/c.py` | not the map |\n"
    )
    assert directory_map(text) == {"a/b.py"}
