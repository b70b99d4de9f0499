"""bisect: a real repository with a regression in the middle of its history."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def make_history(repo: Path, n: int = 24, breaks_at: int = 15) -> list[str]:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "check.py").write_text("import sys\nfrom rate import RATE\nsys.exit(0 if RATE < 1 else 1)\n")
    shas = []
    for i in range(n):
        (repo / "rate.py").write_text(f"RATE = {'1.5' if i >= breaks_at else '0.5'}  # rev {i}\n")
        (repo / f"notes{i % 3}.txt").write_text(f"note {i}\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Change {i}")
        shas.append(git(repo, "rev-parse", "HEAD").strip())
    return shas


def state(repo: Path) -> tuple[str, ...]:
    return (git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain"), git(repo, "for-each-ref"),
            git(repo, "worktree", "list", "--porcelain"))


def test_bisect_finds_the_first_bad_commit_without_touching_the_checkout(tmp_path: Path) -> None:
    repo = tmp_path / "proj"
    shas = make_history(repo)
    (repo / "wip.txt").write_text("uncommitted work\n")
    before = state(repo)
    proc = subprocess.run(
        [sys.executable, "-m", "devops_agent", "bisect", "--repo", str(repo), "--good", shas[0],
         "--command", f"{sys.executable} check.py", "--format", "json"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["first_bad"] == shas[15] and doc["subject"] == "Change 15"
    assert doc["steps"] <= 6
    assert state(repo) == before
    assert (repo / "wip.txt").read_text() == "uncommitted work\n"


def test_command_that_never_fails_is_not_delivered(tmp_path: Path) -> None:
    repo = tmp_path / "proj"
    shas = make_history(repo, n=6, breaks_at=99)
    proc = subprocess.run(
        [sys.executable, "-m", "devops_agent", "bisect", "--repo", str(repo), "--good", shas[0], "--command", "true"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 1 and "no regression to bisect" in proc.stderr and "Traceback" not in proc.stderr
    assert git(repo, "worktree", "list").count("\n") == 1


def test_good_must_be_an_ancestor(tmp_path: Path) -> None:
    repo = tmp_path / "proj"
    shas = make_history(repo, n=4, breaks_at=2)
    proc = subprocess.run(
        [sys.executable, "-m", "devops_agent", "bisect", "--repo", str(repo), "--good", shas[3], "--bad", shas[1],
         "--command", "true"], capture_output=True, text=True,
    )
    assert proc.returncode == 2 and "ancestor" in proc.stderr
