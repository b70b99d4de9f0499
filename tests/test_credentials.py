"""Tokens: environment first, then a real keyring backend; clear errors when neither works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HELPERS = Path(__file__).parent / "helpers"


def cli(*args: str, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "devops_agent", *args], capture_output=True, text=True, input=stdin,
                          env={**os.environ, **env})


def keyring_env(tmp_path: Path) -> dict:
    return {"PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring", "TEST_KEYRING_FILE": str(tmp_path / "kr.json"),
            "PYTHONPATH": os.pathsep.join([str(HELPERS), os.environ.get("PYTHONPATH", "")])}


def lookup(kind: str, env: dict) -> subprocess.CompletedProcess:
    code = f"from devops_agent.credentials import get_token; print(get_token({kind!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env})


def test_login_stores_in_the_keyring_and_lookup_finds_it(tmp_path: Path) -> None:
    env = keyring_env(tmp_path)
    proc = cli("login", "gitlab", "--with-token", env=env, stdin="glpat-abcdef123456\n")
    assert proc.returncode == 0 and "FileKeyring" in proc.stdout
    assert "glpat-abcdef123456" not in proc.stdout + proc.stderr
    assert lookup("gitlab", env).stdout.strip() == "glpat-abcdef123456"
    assert lookup("gitlab", {**env, "GITLAB_TOKEN": "from-env"}).stdout.strip() == "from-env", "environment wins"


def test_without_a_keyring_nothing_is_written_and_the_error_names_both_ways(tmp_path: Path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "HOME": str(tmp_path)}
    proc = cli("login", "github", "--with-token", env=env, stdin="ghp_secret\n")
    assert proc.returncode == 2 and "no usable keyring backend" in proc.stderr and "GITHUB_TOKEN" in proc.stderr
    assert "ghp_secret" not in proc.stderr
    assert not any("ghp_secret" in p.read_text(errors="ignore") for p in tmp_path.rglob("*") if p.is_file())
    miss = lookup("github", {**env, "GITHUB_TOKEN": "", "GH_TOKEN": ""})
    assert "GITHUB_TOKEN or GH_TOKEN" in miss.stderr and "devops-agent login github" in miss.stderr


def test_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    proc = cli("login", "bitbucket", "--with-token", env={}, stdin="x")
    assert proc.returncode == 2


def test_a_locked_keyring_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    env = {**keyring_env(tmp_path), "PYTHON_KEYRING_BACKEND": "file_keyring.LockedKeyring"}
    miss = lookup("gitlab", env)
    assert "CredentialError: no gitlab token found" in miss.stderr and "GITLAB_TOKEN" in miss.stderr
    assert "KeyringLocked" not in miss.stderr
    proc = cli("login", "gitlab", "--with-token", env=env, stdin="glpat-zzz\n")
    assert proc.returncode == 2 and "keyring refused the token" in proc.stderr and "GITLAB_TOKEN" in proc.stderr
    assert "Traceback" not in proc.stderr and "glpat-zzz" not in proc.stderr


def test_llm_error_names_the_provider_variables(tmp_path: Path) -> None:
    miss = lookup("llm", {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "DEVOPS_AGENT_LLM_API_KEY": ""})
    assert "DEVOPS_AGENT_LLM_API_KEY" in miss.stderr and "OPENAI_API_KEY" in miss.stderr


def test_no_keyring_is_reported_before_any_prompt(tmp_path: Path) -> None:
    proc = cli("login", "github", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}, stdin="")
    assert proc.returncode == 2 and "no usable keyring backend" in proc.stderr and "terminal" not in proc.stderr
