"""Guardrails: a patch must fix the failure, not hide it, and must not add a security problem.

Rejected: paths outside the repository; edits of tests or CI configuration; added suppressions
(``noqa``, ``type: ignore``, ``nosec``, ``eslint-disable``), ``|| true`` / ``continue-on-error``,
skip/xfail markers; removed assertions; secrets in added lines; new bandit findings in changed
Python files. ``[policy] protected`` globs and ``require_approval`` categories need ``--approve``.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from devops_agent.fix.llm_fixer import is_protected_path
from devops_agent.fix.patch import Patch

_WEAKENING = (
    (re.compile(r"#\s*noqa\b|#\s*type:\s*ignore|eslint-disable|@SuppressWarnings|#\s*nosec|#\s*pragma:\s*no cover"),
     "adds a suppression comment"),
    (re.compile(r"\|\|\s*true\b|\|\|\s*:\s*$|continue-on-error|allow_failure"), "ignores a failing command"),
    (re.compile(r"pytest\.(skip|xfail)|mark\.(skip|xfail)|@unittest\.skip|@Disabled|@Ignore|\bit\.skip\(|\bxit\(|"
                r"\bdescribe\.skip\(|\btest\.skip\("), "skips tests"),
)
_ASSERT = re.compile(r"^\s*(assert\b|self\.assert\w*\(|expect\(|assert\w*\()")


@dataclass(frozen=True)
class Policy:
    protected: tuple[str, ...] = ()
    require_approval: tuple[str, ...] = ()  # finding categories


def load_policy(root: Path) -> Policy:
    """``[policy]`` of the resolved settings for the checkout at ``root``."""
    from devops_agent.config import Settings

    policy = Settings.resolve(repo=root).policy
    return Policy(tuple(policy.protected), tuple(policy.require_approval))


def static_violations(patch: Patch, repo: Path, *, category: str, policy: Policy, approve: bool) -> list[str]:
    """Reasons to reject ``patch`` that need no tool run."""
    reasons = [f"{p}: outside the repository" for p in patch.paths if not _inside(repo, p)]
    reasons += [f"edits {p}, a test or CI file" for p in patch.paths if is_protected_path(p)]
    added, removed = patch.added_lines(), patch.removed_lines()
    for pattern, what in _WEAKENING:
        if sum(bool(pattern.search(t)) for _, t in added) > sum(bool(pattern.search(t)) for _, t in removed):
            reasons.append(what)
    if sum(bool(_ASSERT.match(t)) for _, t in removed) > sum(bool(_ASSERT.match(t)) for _, t in added):
        reasons.append("removes assertions")
    reasons += _secrets(added)
    if not approve:
        reasons += [f"{p} is protected by [policy] protected (pass --approve)" for p in patch.paths
                    if any(fnmatch.fnmatch(p, g) for g in policy.protected)]
        if category in policy.require_approval:
            reasons.append(f"{category} fixes need approval by [policy] require_approval (pass --approve)")
    return list(dict.fromkeys(reasons))


def _inside(repo: Path, rel: str) -> bool:
    parts = Path(rel).parts
    if rel.startswith("/") or ".." in parts or parts[:1] == (".git",):
        return False
    return (repo / rel).resolve().is_relative_to(repo.resolve())


def _secrets(added: list[tuple[str, str]]) -> list[str]:
    from devops_agent.logs.redact import redact

    hits = sorted({path for path, text in added if redact(text)[1]})
    return [f"{p}: an added line looks like a secret" for p in hits]


def bandit_violations(patch: Patch, tree: Path) -> list[str]:
    """New medium/high bandit findings in the changed Python files (the patch is applied in ``tree``)."""
    exe = shutil.which("bandit") or _beside_python("bandit")
    files = [e for e in patch.edits if e.path.endswith(".py") and e.before != e.after]
    if exe is None or not files:
        return []
    with tempfile.TemporaryDirectory(prefix="devops-agent-bandit-") as tmp:
        before_paths = []
        for e in files:
            if e.before is not None:
                target = Path(tmp) / e.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(e.before, encoding="utf-8")
                before_paths.append(str(target))
        old = _bandit(exe, before_paths, Path(tmp))
    new = _bandit(exe, [str(tree / e.path) for e in files], tree)
    from collections import Counter

    extra = Counter((p, t) for p, t, _ in new) - Counter((p, t) for p, t, _ in old)
    return [f"bandit {tid} added in {path}" for path, tid in sorted(extra)]


def _beside_python(name: str) -> str | None:
    import sys

    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else None


def _bandit(exe: str, paths: list[str], base: Path) -> list[tuple[str, str, str]]:
    if not paths:
        return []
    proc = subprocess.run([exe, "-q", "-ll", "-f", "json", *paths], capture_output=True, text=True, timeout=120)
    try:
        results = json.loads(proc.stdout).get("results", [])
    except json.JSONDecodeError:
        return []
    out = []
    for r in results:
        rel = str(Path(r["filename"]).resolve().relative_to(base.resolve()))
        out.append((rel, r["test_id"], r.get("code", "").strip().split("\n")[0][:80]))
    return out
