"""Settings: every layer of precedence, sources, and one-line errors with file:line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from devops_agent.config import load_settings, reset_cache
from devops_agent.errors import ConfigError

HELPERS = Path(__file__).parent / "helpers"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    reset_cache()
    yield
    reset_cache()


def _project(tmp_path: Path, text: str, name: str = "devops-agent.toml") -> Path:
    repo = tmp_path / "proj"
    (repo / ".git").mkdir(parents=True)
    (repo / name).write_text(text)
    return repo


def test_each_layer_overrides_the_one_below(tmp_path: Path, monkeypatch) -> None:
    home = Path(os.environ["DEVOPS_AGENT_HOME"])
    home.mkdir(parents=True)
    (home / "config.toml").write_text("[hook]\nwarn = 0.1\nblock = 0.2\nbudget_s = 1.0\n[llm]\nmodel = 'user-model'\n")
    repo = _project(tmp_path, "[hook]\nblock = 0.3\nbudget_s = 2.0\n")
    monkeypatch.setenv("DEVOPS_AGENT_HOOK_BUDGET_S", "3.5")
    s = load_settings(repo, {"hook.budget_s": None})
    assert (s.hook.warn, s.hook.block, s.hook.budget_s) == (0.1, 0.3, 3.5)
    assert s.sources["hook.warn"] == str(home / "config.toml")
    assert s.sources["hook.block"] == str(repo / "devops-agent.toml")
    assert s.sources["hook.budget_s"] == "environment"
    assert s.llm.model == "user-model"
    reset_cache()
    flagged = load_settings(repo, {"hook.budget_s": 9.0})
    assert flagged.hook.budget_s == 9.0 and flagged.sources["hook.budget_s"] == "command line"
    assert load_settings(repo).diagnose.max_findings == 5  # untouched default


def test_pyproject_tool_table_and_walk_up(tmp_path: Path) -> None:
    repo = _project(tmp_path, "[project]\nname = 'x'\n[tool.devops-agent.validate]\ncommands = ['make test']\n", "pyproject.toml")
    sub = repo / "src" / "pkg"
    sub.mkdir(parents=True)
    s = load_settings(sub)
    assert s.validate.commands == ["make test"]
    assert s.sources["validate.commands"].endswith("pyproject.toml [tool.devops-agent]")


def test_env_lists_are_json(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DEVOPS_AGENT_VALIDATE_COMMANDS", '["ruff check .", "pytest -q"]')
    assert load_settings(tmp_path).validate.commands == ["ruff check .", "pytest -q"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[hook]\nwarn = 0.5\nblokc = 0.9\n", "devops-agent.toml:3: unknown setting hook.blokc"),
        ("[hook]\n\nblock = 'high'\n", "devops-agent.toml:3: hook.block"),
        ("[nonsense]\nx = 1\n", "unknown section [nonsense]"),
        ("[hook\nblock = 1\n", "devops-agent.toml:1:6: invalid TOML: Expected ']'"),
        ("[hook]\nwarn = 0.5\nblock = [\n", "devops-agent.toml:3: invalid TOML"),
        ("[diagnose]\nmax_findings = 0\n", "diagnose.max_findings"),
    ],
    ids=["unknown-key", "wrong-type", "unknown-section", "bad-toml", "unterminated-toml", "out-of-range"],
)
def test_bad_config_names_file_line_and_problem(tmp_path: Path, text: str, needle: str) -> None:
    repo = _project(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(repo)
    assert needle in str(err.value)


def test_config_command_json_and_exit_2(tmp_path: Path) -> None:
    repo = _project(tmp_path, "[hook]\nblock = 0.95\n")
    run = lambda *a: subprocess.run([sys.executable, "-m", "devops_agent", "config", "--repo", str(repo), *a],  # noqa: E731
                                    capture_output=True, text=True)
    doc = json.loads(run("--format", "json").stdout)
    assert doc["hook.block"] == {"value": 0.95, "source": str(repo / "devops-agent.toml")}
    assert doc["hook.warn"]["source"] == "default"
    (repo / "devops-agent.toml").write_text("[hook]\nblock = [\n")
    bad = run()
    assert bad.returncode == 2 and "invalid TOML" in bad.stderr and "Traceback" not in bad.stderr


def test_shipped_example_config_is_valid_and_complete() -> None:
    root = Path(__file__).parent.parent
    s = load_settings(root)
    shipped = {d for d, _, src in s.items() if src.endswith("devops-agent.toml")}
    every = {d for d, _, _ in s.items()}
    commented = {d for d in every - shipped
                 if f"# {d.split('.')[1]} =" in (root / "devops-agent.toml").read_text()}
    assert every == shipped | commented, f"undocumented options: {sorted(every - shipped - commented)}"


def test_diagnose_respects_history_enabled(tmp_path: Path) -> None:
    repo = _project(tmp_path, "[history]\nenabled = false\n")
    log = Path(__file__).parent.parent / "examples" / "github-actions-pytest.log"
    home = tmp_path / "home"
    out = subprocess.run([sys.executable, "-m", "devops_agent", "diagnose", str(log), "--repo", str(repo), "-f", "json"],
                         capture_output=True, text=True, env={**os.environ, "DEVOPS_AGENT_HOME": str(home)})
    assert out.returncode == 0, out.stderr
    assert "run" not in json.loads(out.stdout)
    assert not (home / "history.db").exists()


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("DEVOPS_AGENT_HOOK_BLOCK", "high", "DEVOPS_AGENT_HOOK_BLOCK: hook.block"),
        ("DEVOPS_AGENT_HOOK_BLOKC", "1", "DEVOPS_AGENT_HOOK_BLOKC: unknown setting hook.blokc"),
        ("DEVOPS_AGENT_VALIDATE_COMMANDS", "[make", "DEVOPS_AGENT_VALIDATE_COMMANDS: not a JSON list"),
    ],
)
def test_bad_environment_value_names_the_variable(tmp_path: Path, monkeypatch, name: str, value: str, needle: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path)
    assert needle in str(err.value)


def test_unknown_key_hint_lists_the_section_keys(tmp_path: Path) -> None:
    repo = _project(tmp_path, "[fix]\nbranch = 'x'\n")
    with pytest.raises(ConfigError) as err:
        load_settings(repo)
    assert "[fix] knows: branch_prefix" in str(err.value)
