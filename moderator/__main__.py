"""``python -m moderator``: the same as the ``moderator`` command."""

from __future__ import annotations

from moderator.cli.main import main

main()
