"""Shared test set-up: every test gets its own devops-agent home (history, config, crashes)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Point DEVOPS_AGENT_HOME at a temp dir and drop settings leaking from the environment."""
    import os

    home = tmp_path / "da-home"
    monkeypatch.setenv("DEVOPS_AGENT_HOME", str(home))
    for name in list(os.environ):
        if name.startswith("DEVOPS_AGENT_") and name != "DEVOPS_AGENT_HOME":
            monkeypatch.delenv(name, raising=False)
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    # git must not read the developer's config or prompt for anything.
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "author@example.com")
    return home
