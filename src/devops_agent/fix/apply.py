"""Apply a validated fix commit (a new branch, checked out) and undo it.

The fix commit is made in the scratch worktree; applying it touches the user's repository with
exactly two git operations: ``checkout -b <branch> <commit>`` (git carries uncommitted changes of
other files over) and the state file ``.git/devops-agent/last-fix.json`` that ``undo`` reads.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from devops_agent import gitcli
from devops_agent.errors import NotDelivered

BRANCH_PREFIX = "devops-agent/fix-"


@dataclass(frozen=True)
class FixState:
    branch: str
    previous: str  # branch name, or a commit id when HEAD was detached
    previous_is_branch: bool
    commit: str
    base: str
    patch_sha256: str
    created: float


def dirty_paths(repo: Path) -> set[str]:
    """Paths with uncommitted changes (staged, unstaged or untracked)."""
    out = gitcli.text(repo, "status", "--porcelain", "-z", "--untracked-files=all")
    paths: set[str] = set()
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        if len(entry) > 3:
            paths.add(entry[3:])
            if entry[0] in "RC":  # a rename's source path follows
                i += 1
                if i < len(entries) and entries[i]:
                    paths.add(entries[i])
        i += 1
    return paths


def refuse_dirty(repo: Path, paths: tuple[str, ...]) -> None:
    clash = sorted(set(paths) & dirty_paths(repo))
    if clash:
        raise NotDelivered(f"the fix touches {', '.join(clash)}, which has uncommitted changes",
                           "commit or stash your changes to that file, then run fix again")


def commit_in_tree(tree: Path, paths: tuple[str, ...], executable: tuple[str, ...], message: str) -> str:
    """Commit ``paths`` (and execute bits) in the scratch worktree; returns the commit id."""
    gitcli.git(tree, "add", "--", *paths)
    for path in executable:
        gitcli.git(tree, "update-index", "--chmod=+x", "--", path)
    ident: list[str] = []
    if not gitcli.ok(tree, "var", "GIT_COMMITTER_IDENT") or not gitcli.ok(tree, "var", "GIT_AUTHOR_IDENT"):
        ident = ["-c", "user.name=devops-agent", "-c", "user.email=devops-agent@localhost"]
    gitcli.git(tree, *ident, "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", message)
    return gitcli.text(tree, "rev-parse", "HEAD").strip()


def branch_name(repo: Path, rule: str, commit: str) -> str:
    """``[fix] branch_prefix`` + rule + commit, made unique."""
    from devops_agent.config import Settings

    prefix = Settings.resolve(repo=repo).fix.branch_prefix or BRANCH_PREFIX
    base = f"{prefix}{rule.lower()}-{commit[:8]}"
    name, n = base, 1
    while gitcli.ok(repo, "show-ref", "--verify", "--quiet", f"refs/heads/{name}"):
        n += 1
        name = f"{base}-{n}"
    return name


def apply_commit(repo: Path, commit: str, branch: str, patch_sha256: str) -> FixState:
    """Create ``branch`` at ``commit`` and check it out, carrying other uncommitted changes over."""
    current = gitcli.text(repo, "symbolic-ref", "-q", "--short", "HEAD", check=False).strip()
    head = gitcli.text(repo, "rev-parse", "HEAD").strip()
    state = FixState(branch, current or head, bool(current), commit, head, patch_sha256, time.time())
    _write_state(repo, state)
    try:
        gitcli.git(repo, "checkout", "-q", "-b", branch, commit)
    except gitcli.GitError as exc:
        gitcli.git(repo, "branch", "-D", branch, check=False)
        _state_path(repo).unlink(missing_ok=True)
        raise NotDelivered(f"could not check out the fix branch: {exc.message}",
                           "your working tree changed during the run; run fix again") from None
    return state


def undo(repo: Path) -> FixState:
    """Return to the branch the last fix started from and delete the fix branch."""
    state = read_state(repo)
    if state is None:
        raise NotDelivered("no fix to undo", "undo reverts the last `devops-agent fix --apply` in this repository")
    current = gitcli.text(repo, "symbolic-ref", "-q", "--short", "HEAD", check=False).strip()
    tip = gitcli.rev(repo, f"refs/heads/{state.branch}")
    if tip is not None and tip != state.commit:
        raise NotDelivered(f"{state.branch} has commits beyond the fix; not deleting it",
                           f"check out {state.previous} yourself and delete the branch when you are done with it")
    if current == state.branch:
        target = state.previous if state.previous_is_branch else state.base
        try:
            gitcli.git(repo, "checkout", "-q", target)
        except gitcli.GitError as exc:
            raise NotDelivered(f"could not check out {target}: {exc.message}",
                               "commit or stash your changes to the files the fix touched, then undo again") from None
    if tip is not None:
        gitcli.git(repo, "branch", "-D", "-q", state.branch)
    _state_path(repo).unlink(missing_ok=True)
    return state


def read_state(repo: Path) -> FixState | None:
    path = _state_path(repo)
    if not path.is_file():
        return None
    try:
        return FixState(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        return None


def _state_path(repo: Path) -> Path:
    git_dir = Path(gitcli.text(repo, "rev-parse", "--git-common-dir").strip())
    if not git_dir.is_absolute():
        git_dir = repo / git_dir
    return git_dir / "devops-agent" / "last-fix.json"


def _write_state(repo: Path, state: FixState) -> None:
    path = _state_path(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(state), indent=2), encoding="utf-8")
    os.replace(tmp, path)
