"""Documentation that technicians rely on must name what the code actually has."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from app.cli import build_parser
from kiosk.settings import SECTIONS, rule_of

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for section_name, section in SECTIONS.items():
        assert f"[{section_name}]" in text
        for f in dataclasses.fields(section):  # type: ignore[arg-type]
            assert f"`{f.name}`" in text, f"{section_name}.{f.name} is not in docs/configuration.md"
            assert rule_of(f).description in text, f"{section_name}.{f.name}: description differs"


def test_the_command_table_names_what_each_module_registers() -> None:
    """``kiosk run`` imports only its own module; the table it goes by must match the modules."""
    import argparse

    from app.cli import COMMANDS, command_modules

    for module in command_modules():
        sub = argparse.ArgumentParser().add_subparsers()
        module.register(sub)
        for name in sub.choices:
            assert COMMANDS.get(name) == module.__name__, name
    assert set(COMMANDS) == set(_sub_commands(build_parser()))


def _sub_commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub_action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    choices: dict[str, argparse.ArgumentParser] = sub_action.choices  # type: ignore[assignment]
    return choices


def test_every_command_has_help_and_is_in_the_cli_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub_action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in sub_action.choices.items():  # type: ignore[attr-defined]
        assert sub.format_help()
        assert f"kiosk {name}" in text, f"`kiosk {name}` is missing from docs/cli.md"
