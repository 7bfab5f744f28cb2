"""Settings: the school's TOML configuration. ``schema`` declares every table and key (pydantic
models shaped like the file; ``values`` holds the kinds of value and the checks types cannot
say), ``config`` reads a file into the frozen dataclasses the application uses, ``tomlcheck``
turns a validation error into one line with file, line and key, ``reference`` writes
docs/configuration.md, and ``sample/`` is the sample school."""

from __future__ import annotations
