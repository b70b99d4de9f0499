"""Fixers that work from git: the execute bit of a script, and reverting the culprit's code hunks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from devops_agent import gitcli
from devops_agent.fix.llm_fixer import is_protected_path
from devops_agent.fix.patch import FileEdit, Patch
from devops_agent.fix.registry import FixContext, fixer

CODE_EXT = (".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".kt", ".scala", ".c", ".h", ".cc",
            ".cpp", ".hpp", ".rs", ".go", ".rb", ".php", ".cs", ".swift")
REVERT_CATEGORIES = ("compilation", "type-check", "test", "runtime", "security", "lint")
HISTORY = 20


def tracked_files(root: Path) -> list[str]:
    return [p for p in gitcli.text(root, "ls-files", "-z").split("\0") if p]


def to_repo_path(token: str, tracked: list[str]) -> str | None:
    """A log's path (absolute CI path, ./x, or relative) as a tracked repository path."""
    token = token.strip().strip("'\"`").removeprefix("./")
    if token in tracked:
        return token
    parts = token.split("/")
    for i in range(1, len(parts)):
        tail = "/".join(parts[i:])
        if tail in tracked:
            return tail
    return None


@fixer("SH-PERM-001", applicability="safe")
def execute_bit(ctx: FixContext) -> Patch | None:
    """Give a tracked script the execute bit (git update-index --chmod=+x)."""
    tracked = tracked_files(ctx.root)
    candidates = [ctx.finding.file, ctx.finding.data.get("path")]
    candidates += re.findall(r"([\w./-]+): Permission denied", ctx.text())
    path = next((p for p in (to_repo_path(c, tracked) for c in candidates if c) if p), None)
    if path is None:
        return None
    mode = gitcli.text(ctx.root, "ls-files", "-s", "--", path).split(" ", 1)[0]
    head = (ctx.root / path).read_bytes()[:2]
    if mode != "100644" or not (head == b"#!" or path.endswith((".sh", ".bash", ".py", ".pl", ".rb"))):
        return None
    return Patch(ctx.finding.rule, "execute_bit", "safe", f"make {path} executable (chmod +x, recorded in git)",
                 executable=(path,))


@fixer("*", applicability="unsafe")
def revert_culprit(ctx: FixContext) -> Patch | None:
    """Revert the culprit commit's hunks in the code under test (never tests or CI files)."""
    if ctx.finding.category not in REVERT_CATEGORIES:
        return None
    commit = culprit_commit(ctx)
    if commit is None:
        return None
    files = [p for p in _changed(ctx.root, commit, "M") if p.endswith(CODE_EXT) and not is_protected_path(p)]
    if not files:
        return None
    diff = gitcli.git(ctx.root, "diff", "--binary", commit, f"{commit}^", "--", *files, binary=True)
    before = {p: _read(ctx.root / p) for p in files}
    proc = subprocess.run(["git", "-C", str(ctx.root), "apply", "--whitespace=nowarn", "-"],
                          input=diff, capture_output=True)
    if proc.returncode != 0:
        return None
    edits = tuple(FileEdit(p, before[p], _read(ctx.root / p) or "") for p in files if _read(ctx.root / p) != before[p])
    subject = gitcli.text(ctx.root, "log", "-1", "--format=%s", commit).strip()
    return Patch(ctx.finding.rule, "revert_culprit", "unsafe",
                 f"revert the code changes of {commit[:10]} ({subject}) in {', '.join(e.path for e in edits)}",
                 edits=edits)


def culprit_commit(ctx: FixContext) -> str | None:
    """The diagnosis' culprit, else the newest recent commit that changed code the log names."""
    if ctx.finding.culprit is not None and gitcli.rev(ctx.root, ctx.finding.culprit.commit):
        return gitcli.rev(ctx.root, ctx.finding.culprit.commit)
    tracked = [p for p in tracked_files(ctx.root) if p.endswith(CODE_EXT)]
    named = set(_named_in_log(ctx, tracked))
    if ctx.finding.file:
        named.add(ctx.finding.file)
    source = {p for p in named if not is_protected_path(p)}
    source |= _imported_by(ctx.root, [p for p in named if is_protected_path(p) and p.endswith(".py")], tracked)
    log = gitcli.text(ctx.root, "log", f"-{HISTORY}", "--format=%H", "--no-merges", "HEAD").split()
    log = [sha for sha in log if gitcli.rev(ctx.root, f"{sha}^")]  # the root commit has nothing to revert to
    hit = next((sha for sha in log if set(_changed(ctx.root, sha)) & source), None)
    if hit is not None:
        return hit
    # The error is in code the recent commits did not touch: the newest change to code of the same
    # language (what it calls changed under it). Validation decides whether reverting it is right.
    exts = tuple({Path(p).suffix for p in source} or CODE_EXT)
    return next((sha for sha in log if any(p.endswith(exts) and not is_protected_path(p)
                                           for p in _changed(ctx.root, sha, "M"))), None)


def _named_in_log(ctx: FixContext, tracked: list[str]) -> list[str]:
    text = ctx.text() + "\n" + "\n".join(ctx.log_lines[-5000:])
    return [p for p in tracked if p in text]


_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.M)


def _imported_by(root: Path, tests: list[str], tracked: list[str]) -> set[str]:
    """Project modules the failing Python tests import (the code under test)."""
    out: set[str] = set()
    for test in tests:
        text = _read(root / test) or ""
        for m in _IMPORT.finditer(text):
            rel = (m.group(1) or m.group(2)).replace(".", "/")
            out |= {p for p in tracked if p.endswith((f"{rel}.py", f"{rel}/__init__.py")) and not is_protected_path(p)}
    return out


def _changed(root: Path, sha: str, kinds: str = "ACDMR") -> list[str]:
    out = gitcli.text(root, "diff-tree", "--no-commit-id", "--name-only", "-r", "-z", f"--diff-filter={kinds}",
                      f"{sha}^", sha, check=False)
    return [p for p in out.split("\0") if p]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None
