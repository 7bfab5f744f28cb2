"""docs/commands.md is what scripts/gen_commands.py generates from the click group today."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_commands.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_commands", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_reference_is_the_generated_one() -> None:
    gen = generator()
    committed = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert committed == gen.render(gen.console_group()), (
        "docs/commands.md is out of date: run `python scripts/gen_commands.py`"
    )


def test_the_reference_has_every_command_of_the_console_script() -> None:
    gen = generator()
    text = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    group = gen.console_group()
    for name, command in group.commands.items():
        assert f"\n## moderator {name}\n" in text
        for sub in getattr(command, "commands", {}):
            assert f"\n## moderator {name} {sub}\n" in text
    assert "--escalate [hide|meeting|written_warning|legal|police]" in text


def test_a_changed_help_text_or_a_new_command_changes_the_output() -> None:
    gen = generator()

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    def tool() -> None:
        """A tool."""

    @tool.group()
    def things() -> None:
        """Things."""

    @things.command()
    @click.option("--loud", is_flag=True, help="Say it loudly.")
    def shout(loud: bool) -> None:
        """Shout a thing."""

    @tool.command(hidden=True)
    def secret() -> None:
        """Never listed."""

    before = gen.render(tool, "tool")
    assert "\n## tool things shout\n" in before and "Say it loudly." in before
    assert "-h, --help" in before and "secret" not in before
    shout.help = "Whisper a thing."
    after = gen.render(tool, "tool")
    assert after != before and "Whisper a thing." in after


def test_check_mode_passes_on_the_committed_file() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
