"""One-off: move moderator/ modules into domain packages and rewrite imports."""
from __future__ import annotations
import re, subprocess, sys
from pathlib import Path

ROOT = Path("/work/main")
# old module name -> (package, new module name)
MOVES = {
    "config": ("settings", "config"),
    "tomlcheck": ("settings", "tomlcheck"),
    "db": ("store", "db"),
    "models": ("store", "models"),
    "categories": ("policy", "categories"),
    "policy": ("policy", "decide"),
    "rules": ("policy", "rules"),
    "roster": ("policy", "roster"),
    "classify": ("policy", "classify"),
    "scanning": ("ingest", "scanning"),
    "recording": ("ingest", "recording"),
    "sources": ("ingest", "sources"),
    "quarantine": ("ingest", "quarantine"),
    "outbox": ("ingest", "outbox"),
    "reclassify": ("ingest", "reclassify"),
    "webhook_processing": ("ingest", "webhooks"),
    "decisions": ("review", "decisions"),
    "escalation": ("review", "escalation"),
    "cases": ("review", "cases"),
    "flags": ("review", "flags"),
    "users": ("review", "users"),
    "letters": ("review", "letters"),
    "visibility": ("review", "visibility"),
    "archives": ("evidence", "archives"),
    "retention": ("privacy", "retention"),
    "sar": ("privacy", "sar"),
    "worker": ("ops", "worker"),
    "digest": ("ops", "digest"),
    "status": ("ops", "status"),
    "listening": ("ops", "listening"),
    "timewindow": ("ops", "timewindow"),
    "webhook_app": ("web", "webhook_app"),
    "cli": ("cli", "main"),
    "cli_context": ("cli", "context"),
    "cli_data": ("cli", "data"),
    "cli_digest": ("cli", "digest"),
    "cli_evidence": ("cli", "evidence"),
    "cli_ops": ("cli", "ops"),
    "cli_words": ("cli", "words"),
    "exceptions": (None, "errors"),
}
DIRS = {"sample": "settings/sample", "migrations": "store/migrations", "templates": "review/templates"}

def git(*a):
    subprocess.run(["git", *a], cwd=ROOT, check=True)

def move():
    m = ROOT / "moderator"
    for pkg in sorted({p for p, _ in MOVES.values() if p}):
        (m / pkg).mkdir(exist_ok=True)
    # cli.py must move before the cli/ package exists as a directory holding it
    for old, (pkg, new) in MOVES.items():
        src = f"moderator/{old}.py"
        dst = f"moderator/{pkg}/{new}.py" if pkg else f"moderator/{new}.py"
        if old == "cli":
            git("mv", src, "moderator/_cli_tmp.py")
            continue
        git("mv", src, dst)
    git("mv", "moderator/_cli_tmp.py", "moderator/cli/main.py")
    for old, new in DIRS.items():
        git("mv", f"moderator/{old}", f"moderator/{new}")
    git("mv", "classifiers/digest.py", "classifiers/filehash.py")

def dotted(old):
    pkg, new = MOVES[old]
    return f"moderator.{pkg}.{new}" if pkg else f"moderator.{new}"

NAMES = "|".join(sorted(MOVES, key=len, reverse=True))
DOTTED_RE = re.compile(rf"\bmoderator\.({NAMES})(?![A-Za-z0-9_])")
PATH_RE = re.compile(rf"\bmoderator/({NAMES})\.py\b")
DIR_RE = re.compile(r"\bmoderator/(sample|migrations|templates)\b")
FROM_RE = re.compile(r"^(?P<ind>[ \t]*)from moderator import (?P<body>\([^)]*\)|[^\n#]*)(?P<tail>[^\n]*)$", re.M)

def rewrite_from(mo):
    ind, body = mo.group("ind"), mo.group("body").strip()
    if body.startswith("("):
        body = body[1:-1]
    names = [n.strip() for n in re.sub(r"#[^\n]*", "", body).replace("\n", " ").split(",") if n.strip()]
    groups: dict[str, list[str]] = {}
    for item in names:
        parts = item.split(" as ")
        name = parts[0].strip(); alias = parts[1].strip() if len(parts) > 1 else None
        if name in MOVES:
            pkg, new = MOVES[name]
            mod = f"moderator.{pkg}" if pkg else "moderator"
            local = alias or name
            groups.setdefault(mod, []).append(new if local == new else f"{new} as {local}")
        else:
            groups.setdefault("moderator", []).append(item)
    lines = [f"{ind}from {mod} import {', '.join(items)}" for mod, items in groups.items()]
    return "\n".join(lines) + mo.group("tail")

def rewrite_text(text, is_py):
    if is_py:
        text = FROM_RE.sub(rewrite_from, text)
    def sub(mo):
        if mo.group(1) == "db":
            after = text[mo.end():mo.end() + 8]
            if not (re.match(r"\.[A-Za-z_]", after) or after.startswith(" import")):
                return mo.group(0)
        return dotted(mo.group(1))
    text = DOTTED_RE.sub(sub, text)
    text = PATH_RE.sub(lambda mo: dotted(mo.group(1)).replace(".", "/") + ".py", text)
    text = DIR_RE.sub(lambda mo: "moderator/" + DIRS[mo.group(1)], text)
    text = re.sub(r"\bclassifiers\.digest\b", "classifiers.filehash", text)
    text = re.sub(r"\bclassifiers/digest\.py\b", "classifiers/filehash.py", text)
    return text

def rewrite():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for f in files:
        p = ROOT / f
        if f.startswith(("docs/layout-plan.md",)) or p.suffix not in {".py", ".md", ".toml", ".cfg", ".ini", ".mako", ".txt", ".yml", ".yaml", ""}:
            continue
        if p.suffix == "" and p.name not in {"Makefile", "Dockerfile", "run"}:
            continue
        if not p.is_file():
            continue
        old = p.read_text()
        new = rewrite_text(old, p.suffix == ".py")
        if new != old:
            p.write_text(new)
            print("rewrote", f)

if __name__ == "__main__":
    {"move": move, "rewrite": rewrite}[sys.argv[1]]()
