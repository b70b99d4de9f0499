"""Python dependency fixers: a missing distribution, a pin that does not exist, a conflicting pin."""

from __future__ import annotations

import re
from pathlib import Path

from devops_agent import pydeps
from devops_agent.fix.fixers import reqedit
from devops_agent.fix.fixers.gitfix import tracked_files
from devops_agent.fix.llm_fixer import is_protected_path
from devops_agent.fix.patch import FileEdit, Patch
from devops_agent.fix.registry import FixContext, fixer

_NO_MODULE = re.compile(r"No module named '(?P<m>[\w.]+)'")
_CI_FILES = re.compile(r"(^|/)(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.yml|tox\.ini|noxfile\.py|Makefile|"
                       r"[^/]*\.sh|Dockerfile|\.circleci/config\.yml)$")


@fixer("PY-DEP-001", applicability="safe")
def add_missing_dependency(ctx: FixContext) -> Patch | None:
    """Declare the distribution that provides a missing import, in the file the project installs from."""
    module = ctx.finding.data.get("module") or _module_from_text(ctx.text())
    if not module:
        return None
    top = module.split(".")[0]
    tracked = tracked_files(ctx.root)
    if pydeps.is_stdlib(top) or _is_project_module(top, tracked):
        return None
    dist, source = pydeps.distribution_for(module)
    files = {p: (ctx.root / p).read_text(encoding="utf-8") for p in tracked if pydeps.is_dependency_file(p)}
    if pydeps.provides(pydeps.declared(files), module):
        return None  # declared already: the install step, not the declaration, is what failed
    target = choose_file(ctx.root, tracked, files, for_tests=bool(ctx.finding.file and is_protected_path(ctx.finding.file)))
    if target is None:
        return None
    new = reqedit.add_requirement(target, files[target], dist)
    if new is None or new == files[target]:
        return None
    how = {"table": "known import name", "installed": "installed package metadata", "guess": "same name"}[source]
    return Patch(ctx.finding.rule, "add_missing_dependency", "safe",
                 f"add {dist} (provides '{top}', by {how}) to {target}", edits=(FileEdit(target, files[target], new),))


def _module_from_text(text: str) -> str | None:
    m = _NO_MODULE.search(text)
    return m.group("m") if m else None


def _is_project_module(top: str, tracked: list[str]) -> bool:
    for p in tracked:
        parts = p.split("/")
        if top in parts[:-1] or parts[-1] == f"{top}.py":
            return True
    return False


def choose_file(root: Path, tracked: list[str], files: dict[str, str], *, for_tests: bool) -> str | None:
    """Where the project declares runtime (or test) dependencies, preferring what CI installs."""
    reqs = [p for p in files if p.rsplit("/", 1)[-1].lower().startswith("requirements") or "/requirements/" in f"/{p}"]
    installed = _installed_by_ci(root, tracked)
    devish = re.compile(r"dev|test|lint|doc|ci\b", re.I)
    if reqs:
        ranked = sorted(reqs, key=lambda p: (p not in installed, bool(devish.search(p)) != for_tests,
                                             p.endswith(".in") is False and p[:-4] + ".in" in files, len(p)))
        return ranked[0]
    for name in ("pyproject.toml", "setup.cfg"):
        if name in files and reqedit.declares_dependencies(name, files[name]):
            return name
    return None


def _installed_by_ci(root: Path, tracked: list[str]) -> set[str]:
    out: set[str] = set()
    for p in tracked:
        if _CI_FILES.search(p):
            try:
                text = (root / p).read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            out |= set(re.findall(r"(?:-r|--requirement)[ =]?([\w./-]+\.(?:txt|in))", text))
    return {p.removeprefix("./") for p in out}


@fixer("PY-DEP-002", "PY-DEP-003", applicability="unsafe")
def repin_version(ctx: FixContext) -> Patch | None:
    """Pin a version that exists and satisfies the resolver's constraints."""
    from devops_agent.fix.fixers import versions

    choice = versions.choose(ctx.finding.data, ctx.text())
    if choice is None:
        return None
    package, spec = choice
    tracked = tracked_files(ctx.root)
    edits = []
    for p in tracked:
        if not pydeps.is_dependency_file(p) or is_protected_path(p):
            continue
        text = (ctx.root / p).read_text(encoding="utf-8")
        new = reqedit.replace_pin(p, text, package, spec)
        if new is not None and new != text:
            edits.append(FileEdit(p, text, new))
    if not edits:
        return None
    return Patch(ctx.finding.rule, "repin_version", "unsafe", f"require {package}{spec}", edits=tuple(edits))
