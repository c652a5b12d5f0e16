"""Documentation that technicians rely on must name what the code actually has."""

from __future__ import annotations

from pathlib import Path

from app.cli import build_parser
from kiosk.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for section_name, section in Settings.model_fields.items():
        assert f"[{section_name}]" in text
        assert section.annotation is not None
        for key in section.annotation.model_fields:
            assert f"`{key}`" in text, f"{section_name}.{key} is not in docs/configuration.md"


def test_every_command_has_help_and_is_in_the_cli_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub_action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in sub_action.choices.items():  # type: ignore[attr-defined]
        assert sub.format_help()
        assert f"kiosk {name}" in text, f"`kiosk {name}` is missing from docs/cli.md"
