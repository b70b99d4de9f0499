"""Generated documentation must match the program: the CLI reference and the rule pages."""

from __future__ import annotations

from pathlib import Path

from devops_agent.docs import render_cli_docs

DOCS = Path(__file__).parent.parent / "docs"


def test_cli_reference_is_fresh() -> None:
    page = DOCS / "cli.md"
    assert page.is_file(), "run: python -m devops_agent.docs docs/cli.md"
    assert page.read_text(encoding="utf-8") == render_cli_docs(), "stale: python -m devops_agent.docs docs/cli.md"


def test_every_command_is_documented() -> None:
    text = render_cli_docs()
    for command in ("diagnose", "fix", "undo", "pr", "hook check", "hook install", "history", "audit verify",
                    "config", "login", "ask", "learn", "kb export", "kb import", "bisect", "rules", "rule"):
        assert f"## `devops-agent {command}`" in text, command
