"""From a red build to a pull request: `fix --apply` on a real broken repository, then `pr`
against the 127.0.0.1 forge (GitHub and GitLab), with a local bare repository as the remote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_pr import Forge, forge  # noqa: F401 - the forge fixture (tests/ is on sys.path)


def sh(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, Path, Path]:
    remote = tmp_path / "remote.git"
    sh(tmp_path, "git", "init", "-q", "--bare", "-b", "main", str(remote))
    repo = tmp_path / "shop"
    (repo / "scripts").mkdir(parents=True)
    (repo / "scripts" / "build.sh").write_text("#!/bin/sh\necho built\n")
    (repo / "README.md").write_text("# shop\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Add the build script"],
                 ["remote", "add", "origin", str(remote)], ["push", "-q", "origin", "main"]):
        assert sh(repo, "git", *args).returncode == 0
    run = sh(repo, "bash", "-c", "./scripts/build.sh")  # really fails: the script is not executable
    assert run.returncode == 126 and "Permission denied" in run.stderr
    log = tmp_path / "build.log"
    log.write_text(f"$ ./scripts/build.sh\n{run.stdout}{run.stderr}")
    return repo, log, remote


@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_fix_apply_then_pr(platform: str, forge: Forge, broken, tmp_path: Path) -> None:  # noqa: F811
    repo, log, remote = broken
    env = {**os.environ, "DEVOPS_AGENT_HOME": str(tmp_path / "home")}
    fixed = sh(repo, sys.executable, "-m", "devops_agent", "fix", str(log), "--repo", str(repo), "--apply",
               "--format", "json", env=env)
    assert fixed.returncode == 0, fixed.stderr
    branch = json.loads(fixed.stdout)["branch"]
    if platform == "github":
        env |= {"GITHUB_API_URL": forge.url, "GITHUB_TOKEN": "ghp_" + "t" * 36, "GITHUB_REPOSITORY": "acme/shop"}
    else:
        env |= {"CI_API_V4_URL": f"{forge.url}/api/v4", "GITLAB_TOKEN": "glpat-" + "t" * 20, "CI_PROJECT_PATH": "group/shop"}
    opened = sh(repo, sys.executable, "-m", "devops_agent", "pr", "--repo", str(repo), "--platform", platform, env=env)
    assert opened.returncode == 0, opened.stderr
    post = next(r for r in forge.requests if r["method"] == "POST")
    body = post["json"]
    if platform == "github":
        assert body["head"] == branch and body["base"] == "main"
        assert body["draft"] is False, "a safe, validated fix is ready for review"
        text = body["body"]
    else:
        assert body["source_branch"] == branch and not body["title"].startswith("Draft:")
        text = body["description"]
    assert body["title"].startswith("fix(SH-PERM-001)")
    assert "Permission denied" in text and "Validated in a scratch worktree" in text and "(validated)" in text
    assert sh(remote, "git", "rev-parse", branch).stdout.strip() == sh(repo, "git", "rev-parse", "HEAD").stdout.strip()
    from devops_agent.store import Store

    with Store.open(tmp_path / "home" / "history.db") as store:
        prs = store.conn.execute("SELECT platform, branch FROM prs").fetchall()
        assert [tuple(r) for r in prs] == [(platform, branch)]
        assert any(r["action"] == "pr.opened" for r in store.audit_rows())
        assert store.verify_audit() == []
