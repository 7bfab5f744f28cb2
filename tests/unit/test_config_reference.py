"""docs/configuration.md is written from the schema, and every key in the schema says what it is."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from moderator.settings import reference, schema, tomlcheck

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def _tables(model: type[BaseModel]) -> list[type[BaseModel]]:
    found = [model]
    for field in model.model_fields.values():
        table = tomlcheck.table_in(field.annotation)
        if table is not None and table not in found:
            found += [t for t in _tables(table) if t not in found]
    return found


def test_the_committed_reference_is_what_the_schema_writes() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference.render(), (
        "docs/configuration.md is stale: run "
        "`python -m moderator.settings.reference > docs/configuration.md`"
    )


def test_every_table_and_key_is_described_and_listed() -> None:
    text = reference.render()
    tables = _tables(schema.SchoolFile)
    assert len(tables) == 17
    for table in tables:
        assert table.__doc__ and table.__doc__.strip(), table.__name__
        for key, field in table.model_fields.items():
            meaning = reference.meaning_of(table, key, field)
            assert meaning and meaning.strip(), f"{table.__name__}.{key}"
            if tomlcheck.table_in(field.annotation) is None:
                assert f"| `{key}` | {reference.what(field)} | " in text, f"{table.__name__}.{key}"


def test_the_reference_shows_types_defaults_and_requirements() -> None:
    text = reference.render()
    assert "## [[sources]]\n" in text and "## [escalation.permissions]\n" in text
    assert (
        "| `platform` | one of facebook, instagram, file | required | Where the comments come from;"
        in text
    )
    assert "| `lease_seconds` | a whole number of at least 5 | `120` |" in text
    assert "| `access_token_env` | an environment variable name | not set |" in text
    assert "| `obscene` | a number from 0 to 1 | `0.6` |" in text
    assert (
        '| `police` | a list, each of moderator, headteacher, dsl, admin | `["headteacher"' in text
    )
    assert "| `port` | a whole number of at least 1 | 587; 465 with ssl |" in text
    assert "## [[pupils]]\n\nPupils the school protects. The same keys as [[staff]].\n" in text
