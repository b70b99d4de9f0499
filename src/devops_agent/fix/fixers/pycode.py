"""Python code fixers: removed standard-library APIs, renamed project symbols, unambiguous SyntaxErrors."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from devops_agent.fix.fixers import pysource
from devops_agent.fix.fixers.gitfix import to_repo_path, tracked_files
from devops_agent.fix.llm_fixer import is_protected_path
from devops_agent.fix.patch import FileEdit, Patch
from devops_agent.fix.registry import FixContext, fixer

_REMOVED = re.compile(
    r"cannot import name '(?P<n1>\w+)' from '(?P<m1>[\w.]+)'|module '(?P<m2>[\w.]+)' has no attribute '(?P<n2>\w+)'"
    r"|No module named '(?P<m3>[\w.]+)'")
_DID_YOU_MEAN = re.compile(r"Did you mean:? '(?P<s>\w+)'")


@fixer("PY-RUN-002", "PY-DEP-001", "PY-IMP-001", "PY-RUN-001", applicability="safe")
def removed_stdlib_api(ctx: FixContext) -> Patch | None:
    """Replace a standard-library API removed from Python by its documented successor."""
    api = ctx.finding.data.get("api") or _api_from_text(ctx.text())
    if not api or api not in pysource.STDLIB_MOVES:
        return None
    edits = []
    for path in _python_sources(ctx):
        text = (ctx.root / path).read_text(encoding="utf-8")
        new = pysource.replace_api(text, api)
        if new is not None and new != text:
            edits.append(FileEdit(path, text, new))
    if not edits:
        return None
    return Patch(ctx.finding.rule, "removed_stdlib_api", "safe",
                 f"replace the removed {api} by {pysource.STDLIB_MOVES[api]}", edits=tuple(edits))


def _api_from_text(text: str) -> str | None:
    for m in _REMOVED.finditer(text):
        if m.group("m3"):
            return m.group("m3").split(".")[0] if m.group("m3").split(".")[0] in pysource.STDLIB_MOVES else m.group("m3")
        module = m.group("m1") or m.group("m2")
        name = m.group("n1") or m.group("n2")
        return f"{module}.{name}"
    return None


def _python_sources(ctx: FixContext) -> list[str]:
    """The finding's file first, then the other tracked non-test Python files."""
    tracked = [p for p in tracked_files(ctx.root) if p.endswith(".py") and not is_protected_path(p)]
    first = ctx.finding.file if ctx.finding.file in tracked else None
    return ([first] if first else []) + [p for p in tracked if p != first]


@fixer("PY-IMP-001", "PY-RUN-001", applicability="unsafe")
def renamed_symbol(ctx: FixContext) -> Patch | None:
    """Follow a renamed project symbol ("Did you mean", or the def renamed by a recent commit)."""
    old, module = _missing_symbol(ctx)
    if old is None:
        return None
    new = ctx.finding.data.get("suggestion") or _suggested(ctx.text())
    if not new:
        new = pysource.renamed_in_history(ctx.root, old, _module_file(ctx.root, module))
    if not new or new == old:
        return None
    edits = []
    for path in _python_sources(ctx):
        text = (ctx.root / path).read_text(encoding="utf-8")
        if not re.search(rf"\b{re.escape(old)}\b", text) or (module and path != ctx.finding.file
                                                              and module.split(".")[-1] not in text):
            continue
        updated = pysource.rename_names(text, old, new)
        if updated is not None and updated != text:
            edits.append(FileEdit(path, text, updated))
    if not edits:
        return None
    return Patch(ctx.finding.rule, "renamed_symbol", "unsafe",
                 f"use {new} (renamed from {old}{' in ' + module if module else ''})", edits=tuple(edits))


def _missing_symbol(ctx: FixContext) -> tuple[str | None, str | None]:
    d = ctx.finding.data
    if d.get("name") or d.get("attr"):
        return d.get("name") or d.get("attr"), d.get("module") or d.get("owner")
    m = _REMOVED.search(ctx.text())
    if m is None or m.group("m3"):
        return None, None
    return m.group("n1") or m.group("n2"), m.group("m1") or m.group("m2")


def _suggested(text: str) -> str | None:
    m = _DID_YOU_MEAN.search(text)
    return m.group("s") if m else None


def _module_file(root: Path, module: str | None) -> str | None:
    if not module:
        return None
    rel = module.replace(".", "/")
    tracked = tracked_files(root)
    for suffix in (f"{rel}.py", f"{rel}/__init__.py"):
        hit = next((p for p in tracked if p == suffix or p.endswith("/" + suffix)), None)
        if hit:
            return hit
    return None


# -- SyntaxError ----------------------------------------------------------------------------------------

_SYNTAX_AT = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')
_CLOSER = {"(": ")", "[": "]", "{": "}"}


@fixer("PY-SYN-001", applicability="safe")
def syntax_repair(ctx: FixContext) -> Patch | None:
    """Add a missing ':' or close a bracket, only when that makes the whole file parse."""
    path, lineno = _syntax_location(ctx)
    if path is None or lineno is None:
        return None
    text = (ctx.root / path).read_text(encoding="utf-8")
    message = str(ctx.finding.data.get("message") or ctx.text())
    lines = text.splitlines(keepends=True)
    if not 1 <= lineno <= len(lines):
        return None
    for repaired in _repairs(lines, lineno - 1, message):
        candidate = "".join(repaired)
        if _parses(candidate) and not _parses(text):
            return Patch(ctx.finding.rule, "syntax_repair", "safe",
                         f"repair the syntax error at {path}:{lineno}", edits=(FileEdit(path, text, candidate),))
    return None


def _syntax_location(ctx: FixContext) -> tuple[str | None, int | None]:
    tracked = tracked_files(ctx.root)
    if ctx.finding.file and ctx.finding.line and ctx.finding.file in tracked:
        return ctx.finding.file, ctx.finding.line
    for m in _SYNTAX_AT.finditer(ctx.text()):
        path = to_repo_path(m.group("file"), tracked)
        if path and path.endswith(".py"):
            return path, int(m.group("line"))
    return None, None


def _repairs(lines: list[str], i: int, message: str) -> list[list[str]]:
    out = []
    if "expected ':'" in message or "invalid syntax" in message:
        out.append(_append(lines, i, ":"))
    m = re.search(r"'([(\[{])' was never closed", message)
    if m:
        out.append(_append(lines, i, _CLOSER[m.group(1)]))
    return out


def _append(lines: list[str], i: int, tail: str) -> list[str]:
    line = lines[i]
    body, nl = (line[:-1], "\n") if line.endswith("\n") else (line, "")
    code, hash_, comment = body.partition("  #")
    fixed = code.rstrip() + tail + (code[len(code.rstrip()):] if hash_ else "") + hash_ + comment
    return [*lines[:i], fixed + nl, *lines[i + 1:]]


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True
