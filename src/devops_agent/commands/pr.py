"""`devops-agent pr`: push the current fix branch and open a pull request / merge request."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from devops_agent import gitcli
from devops_agent.commands.diagnose import require_repo
from devops_agent.errors import NotDelivered, UsageError

ENV_TOKENS = {"github": ("GITHUB_TOKEN", "GH_TOKEN"), "gitlab": ("GITLAB_TOKEN",)}



def last_fix(root: Path, branch: str) -> dict[str, Any]:
    """What ``fix --apply`` recorded about this branch (empty when it was not made by us)."""
    path = Path(gitcli.text(root, "rev-parse", "--git-path", "devops-agent/last-fix.json").strip())
    path = path if path.is_absolute() else root / path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("branch") == branch else {}


def _from_commit(root: Path) -> dict[str, Any]:
    """What ``fix --apply`` wrote into the commit: the fixer's safety, and that it was validated."""
    import re

    body = gitcli.text(root, "log", "-1", "--format=%B")
    if "Generated-by: devops-agent fix" not in body:
        return {}
    out: dict[str, Any] = {"validated": "Validated in a scratch worktree" in body}
    m = re.search(r"^Fixer: \S+ \((safe|unsafe|display-only)\)", body, re.M)
    if m:
        out["safety"] = m.group(1)
    return out


def token_for(platform: str) -> str:
    from devops_agent.credentials import get_token

    return get_token(platform)


def build_body(root: Path, base_ref: str | None, fix: dict[str, Any]) -> str:
    """Markdown: the diagnosis (evidence, culprit), what changed, and how it was validated."""
    parts = ["## devops-agent fix", ""]
    diag = fix.get("diagnosis") or fix.get("finding") or {}
    if isinstance(diag, dict) and diag:
        parts += [f"**{diag.get('rule', '')} · {diag.get('title', '')}**", ""]
        evidence = diag.get("evidence") or []
        if evidence:
            parts += ["```text", *[f"{e.get('line', ''):>6}  {e.get('text', '')}" for e in evidence[:8]], "```", ""]
        culprit = diag.get("culprit")
        if isinstance(culprit, dict) and culprit.get("commit"):
            parts += [f"Culprit: `{culprit['commit'][:10]}` {culprit.get('subject', '')}", ""]
    message = gitcli.text(root, "log", "-1", "--format=%b").strip()
    if message:
        parts += [message, ""]
    if base_ref:
        stat = gitcli.text(root, "diff", "--stat", f"{base_ref}...HEAD", check=False).strip()
        if stat:
            parts += ["### Changes", "", "```text", stat, "```", ""]
    validation = fix.get("validation") or []
    if isinstance(validation, list) and validation:
        parts += ["### Validation", "", "| command | result | time |", "| --- | --- | --- |"]
        for v in validation:
            if isinstance(v, dict):
                ok = "passed" if v.get("exit_code") == 0 or v.get("ok") else "failed"
                parts.append(f"| `{v.get('command', '')}` | {ok} | {v.get('duration', v.get('duration_s', ''))} |")
        parts.append("")
    safety = fix.get("safety")
    if safety:
        parts += [f"Fix safety: **{safety}**" + (" (validated)" if fix.get("validated") else ""), ""]
    parts.append("_Opened by devops-agent._")
    return "\n".join(parts)


def run_pr(*, repo: Path | None, base: str | None, draft: bool | None, remote: str | None,
           platform: str | None, labels: list[str], title: str | None) -> int:
    from devops_agent.ship import forge

    root = require_repo(repo)
    branch = gitcli.text(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
    if not branch:
        raise UsageError("HEAD is detached", "check out the fix branch first")
    remote = remote or gitcli.text(root, "config", f"branch.{branch}.remote", check=False).strip() or "origin"
    url = gitcli.text(root, "remote", "get-url", remote, check=False).strip()
    if not url:
        raise UsageError(f"no git remote named {remote!r}", "add one (git remote add origin URL) or pass --remote")
    kind = forge.detect_platform(url, platform)
    token = token_for(kind)  # before pushing: fail early, push nothing
    client = forge.client_for(kind, url, token)
    target = base or client.default_branch()
    if target == branch:
        raise UsageError(f"the current branch is the target branch {target!r}", "check out the fix branch first")
    fix = {**_from_commit(root), **last_fix(root, branch)}
    base_ref = next((r for r in (f"{remote}/{target}", target) if gitcli.rev(root, r)), None)
    req = forge.Request(
        title=title or gitcli.text(root, "log", "-1", "--format=%s").strip(),
        body=build_body(root, base_ref, fix),
        head=branch,
        base=target,
        draft=draft if draft is not None else not (fix.get("safety") == "safe" and fix.get("validated")),
        labels=tuple(labels) or (("devops-agent",) if fix else ()),
    )
    try:
        gitcli.git(root, "push", "--set-upstream", remote, f"{branch}:{branch}", timeout=300)
    except gitcli.GitError as exc:
        raise NotDelivered(exc.message, "check your access to the remote; nothing was opened") from None
    try:
        opened = client.open(req)
    finally:
        client.client.close()
    _record(root, kind, branch, opened)
    word = "pull request" if kind == "github" else "merge request"
    if opened.existed:
        sys.stdout.write(f"a {word} for {branch} is already open: {opened.url}\n")
    else:
        sys.stdout.write(f"opened {'draft ' if req.draft else ''}{word} #{opened.number}: {opened.url}\n")
    return 0


def _record(root: Path, platform: str, branch: str, opened: Any) -> None:
    try:
        from devops_agent.store import Store
    except ImportError:
        return
    with Store.open() as store:
        details = {"platform": platform, "repo": str(root), "branch": branch, "url": opened.url,
                   "number": opened.number, "existed": opened.existed}
        if hasattr(store, "record_pr"):
            store.record_pr(**details)
        store.audit("pr.opened", **details)
