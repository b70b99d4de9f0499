"""Output of `devops-agent fix`: the proposed patch, how it was validated, what was applied."""

from __future__ import annotations

from typing import Any

from devops_agent.fix.engine import FixResult
from devops_agent.models import Diagnosis


def render_json(diag: Diagnosis, result: FixResult, branch: str | None, apply: bool) -> dict[str, Any]:
    passed = result.passed
    if passed is not None:
        status = "applied" if branch else "validated"
    else:
        status = "not-fixable" if result.not_fixable else "no-fix"
    out: dict[str, Any] = {
        "schema": "devops-agent/fix@1",
        "status": status,
        "applied": bool(branch),
        "finding": result.finding.to_json() if result.finding else None,
        "patch": passed.patch.to_json() if passed and passed.patch else None,
        "validation": passed.validation.to_json() if passed and passed.validation else None,
        "attempts": [a.to_json() for a in result.attempts],
        "reason": result.reason,
    }
    if branch:
        out["branch"] = branch
        out["commit"] = result.commit
    out["diagnosis_status"] = diag.status
    return out


def render_text(result: FixResult, branch: str | None, apply: bool) -> str:
    lines: list[str] = []
    f = result.finding
    if f is not None:
        where = f" ({f.file}{':' + str(f.line) if f.line else ''})" if f.file else ""
        lines.append(f"{f.rule} {f.title}{where}")
    for a in result.attempts:
        if a.outcome != "passed":
            lines.append(f"  tried {a.fixer}: {a.outcome}{' — ' + a.detail if a.detail else ''}")
    passed = result.passed
    if passed is None or passed.patch is None:
        return "\n".join(lines) + "\n" if lines else ""
    patch = passed.patch
    lines += [f"fix: {patch.description} [{patch.fixer}, {patch.applicability}]", "", patch.diff().rstrip("\n"), ""]
    if passed.validation is not None:
        lines.append("validated in a scratch worktree:")
        lines += [f"  {'ok' if r.ok else 'FAILED'}  {r.check.label[:100]} ({r.seconds:.1f} s)"
                  for r in passed.validation.results]
    if branch:
        lines.append(f"committed {result.commit[:10] if result.commit else ''} on {branch} (checked out); "
                     "`devops-agent undo` goes back")
    elif not apply:
        lines.append("nothing was changed; run again with --apply to commit it on a new branch")
    return "\n".join(lines) + "\n"
