"""Scratch worktrees of HEAD: where patches are built and validated, never in the user's tree.

A worktree lives in a temp dir named ``devops-agent-fix-*``; git records it under
``.git/worktrees``. A run killed before its clean-up leaves one behind: the next run removes every
such worktree whose owning process is gone (``prune_stale``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from devops_agent import gitcli

PREFIX = "devops-agent-fix-"


@contextlib.contextmanager
def scratch_worktree(repo: Path, rev: str = "HEAD") -> Iterator[Path]:
    """A detached worktree of ``rev`` in a temp dir, removed afterwards whatever happens."""
    tmp = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    tree = tmp / "tree"
    try:
        gitcli.git(repo, "worktree", "add", "--detach", "--quiet", str(tree), rev)
        yield tree
    finally:
        remove(repo, tree)


def remove(repo: Path, tree: Path) -> None:
    gitcli.git(repo, "worktree", "remove", "--force", str(tree), check=False)
    shutil.rmtree(tree.parent, ignore_errors=True)
    gitcli.git(repo, "worktree", "prune", check=False)


def prune_stale(repo: Path) -> list[Path]:
    """Remove scratch worktrees left by killed runs (their pid is no longer alive)."""
    removed: list[Path] = []
    listing = gitcli.text(repo, "worktree", "list", "--porcelain", check=False)
    for line in listing.splitlines():
        if not line.startswith("worktree "):
            continue
        path = Path(line[len("worktree "):])
        owner = _owner_pid(path)
        if owner is None or _alive(owner):
            continue
        remove(repo, path)
        removed.append(path)
    gitcli.git(repo, "worktree", "prune", check=False)
    return removed


def _owner_pid(path: Path) -> int | None:
    name = path.parent.name
    if not name.startswith(PREFIX):
        return None
    pid = name[len(PREFIX):].split("-", 1)[0]
    return int(pid) if pid.isdigit() else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
