"""Lint and format fixers: the project's own tool, limited to the rules and files the log names,
run inside the scratch worktree (its config files apply as in CI)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from devops_agent import gitcli
from devops_agent.fix.fixers.gitfix import to_repo_path, tracked_files
from devops_agent.fix.llm_fixer import is_protected_path
from devops_agent.fix.patch import FileEdit, Patch
from devops_agent.fix.registry import FixContext, fixer

TOOL_TIMEOUT = 120
_RUFF_CODE = re.compile(r"(?:^|\s)(?P<path>[\w./-]+\.pyi?):\d+:\d+: (?P<code>[A-Z]+\d+)\b")
_RUFF_NEW = re.compile(r"^(?P<code>[A-Z]+\d+)\b.*$|^\s*--> (?P<path>[\w./-]+\.pyi?):\d+:\d+")
_WOULD = re.compile(r"(?:would reformat|Would reformat:?) (?P<path>\S+\.pyi?)\s*$", re.I)
_PRETTIER = re.compile(r"^\[warn\] (?P<path>[^\s]+\.\w+)\s*$")
_ESLINT_FILE = re.compile(r"^(?P<path>/?[\w./@-]+\.(?:[cm]?[jt]sx?|vue))\s*$")


def find_tool(name: str, root: Path | None = None) -> str | None:
    """The project's copy (node_modules/.bin), then PATH, then beside this Python."""
    if root is not None and (root / "node_modules" / ".bin" / name).exists():
        return str(root / "node_modules" / ".bin" / name)
    here = Path(sys.executable).parent / name
    return shutil.which(name) or (str(here) if here.exists() else None)


def _files(ctx: FixContext, found: list[str]) -> list[str]:
    tracked = tracked_files(ctx.root)
    given = ctx.finding.data.get("files") or []
    paths = [to_repo_path(str(p), tracked) for p in [*given, *found]]
    return [p for p in dict.fromkeys(paths) if p and not is_protected_path(p)]


def _log_text(ctx: FixContext) -> str:
    step = ctx.diagnosis.failing_step
    if step is not None and ctx.log_lines:
        return "\n".join(ctx.log_lines[step.start - 1: step.end])
    return ctx.text() if not ctx.log_lines else "\n".join(ctx.log_lines)


def _run_tool(ctx: FixContext, argv: list[str], files: list[str], rule: str, name: str, what: str) -> Patch | None:
    if not files:
        return None
    env = {**os.environ, "NO_COLOR": "1"}
    try:
        subprocess.run([*argv, *files], cwd=ctx.root, capture_output=True, timeout=TOOL_TIMEOUT, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    changed = [p for p in gitcli.text(ctx.root, "diff", "--name-only", "-z").split("\0") if p]
    formatter = _project_formatter(ctx.root) if name == "ruff_fix" else None
    if formatter and changed:  # the lint fix must not leave the file failing the project's format check
        subprocess.run([*formatter, *[p for p in changed if p in files]], cwd=ctx.root, capture_output=True,
                       timeout=TOOL_TIMEOUT, env=env)
    edits = []
    for path in changed:
        if path not in files:
            continue
        before = gitcli.text(ctx.root, "show", f"HEAD:{path}")
        edits.append(FileEdit(path, before, (ctx.root / path).read_text(encoding="utf-8")))
    if not edits:
        return None
    return Patch(rule, name, "safe", f"{what} {', '.join(e.path for e in edits)}", edits=tuple(edits))


def _project_formatter(root: Path) -> list[str] | None:
    """The Python formatter the project's CI checks with, if any (ruff format or black)."""
    from devops_agent.fix.fixers.pydeps_fix import _CI_FILES

    text = ""
    for p in tracked_files(root):
        if _CI_FILES.search(p) or p == "pyproject.toml":
            try:
                text += (root / p).read_text(encoding="utf-8") + "\n"
            except (UnicodeDecodeError, OSError):
                continue
    ruff, black = find_tool("ruff"), find_tool("black")
    if "ruff format" in text and ruff:
        return [ruff, "format"]
    if re.search(r"^\s*(?:-\s*)?(?:run:\s*)?black\b|\[tool\.black\]", text, re.M) and black:
        return [black, "-q"]
    return None


@fixer("PY-LINT-001", applicability="safe")
def ruff_fix(ctx: FixContext) -> Patch | None:
    """`ruff check --fix --select <codes from the log>` on the files from the log."""
    ruff = find_tool("ruff")
    text = _log_text(ctx)
    codes = list(ctx.finding.data.get("codes") or [])
    paths: list[str] = []
    for line in text.splitlines():
        m = _RUFF_CODE.search(line) or _RUFF_NEW.search(line)
        if m and m.group("code"):
            codes.append(m.group("code"))
        if m and m.group("path"):
            paths.append(m.group("path"))
    codes = sorted(set(codes))
    if ruff is None or not codes:
        return None
    return _run_tool(ctx, [ruff, "check", "--fix", "--select", ",".join(codes)], _files(ctx, paths),
                     ctx.finding.rule, "ruff_fix", f"ruff --fix ({', '.join(codes)}) on")


def _formatter(ctx: FixContext, argv: list[str] | None, name: str, what: str) -> Patch | None:
    paths = [m.group("path") for m in map(_WOULD.search, _log_text(ctx).splitlines()) if m]
    return None if argv is None else _run_tool(ctx, argv, _files(ctx, paths), ctx.finding.rule, name, what)


@fixer("PY-FMT-001", applicability="safe")
def black_format(ctx: FixContext) -> Patch | None:
    """`black` on the files the log says it would reformat."""
    black = find_tool("black")
    return _formatter(ctx, [black, "-q"] if black else None, "black_format", "black on")


@fixer("PY-FMT-002", applicability="safe")
def ruff_format(ctx: FixContext) -> Patch | None:
    """`ruff format` on the files the log says it would reformat."""
    ruff = find_tool("ruff")
    return _formatter(ctx, [ruff, "format"] if ruff else None, "ruff_format", "ruff format on")


@fixer("JS-FMT-001", applicability="safe")
def prettier_write(ctx: FixContext) -> Patch | None:
    """`prettier --write` on the files `prettier --check` warned about."""
    _link_node_modules(ctx)
    prettier = find_tool("prettier", ctx.root)
    paths = [m.group("path") for m in map(_PRETTIER.match, _log_text(ctx).splitlines()) if m]
    return None if prettier is None else _run_tool(ctx, [prettier, "--write"], _files(ctx, paths),
                                                   ctx.finding.rule, "prettier_write", "prettier --write on")


@fixer("JS-LINT-001", applicability="safe")
def eslint_fix(ctx: FixContext) -> Patch | None:
    """`eslint --fix` on the files the log reports (eslint has no rule filter for --fix)."""
    _link_node_modules(ctx)
    eslint = find_tool("eslint", ctx.root)
    paths = [m.group("path") for m in map(_ESLINT_FILE.match, _log_text(ctx).splitlines()) if m]
    if eslint is None:
        return None
    return _run_tool(ctx, [eslint, "--fix"], _files(ctx, paths), ctx.finding.rule, "eslint_fix", "eslint --fix on")


def _link_node_modules(ctx: FixContext) -> None:
    """Let the worktree use the checkout's installed node_modules (untracked, never committed)."""
    src, dst = ctx.repo / "node_modules", ctx.root / "node_modules"
    if src.is_dir() and not dst.exists():
        dst.symlink_to(src, target_is_directory=True)
