"""`devops-agent fix` and `devops-agent undo`: orchestration and output (the engine is devops_agent.fix)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from devops_agent.commands.diagnose import require_repo
from devops_agent.errors import NotDelivered
from devops_agent.models import Diagnosis, Finding

MAX_LOG_LINES = 200_000


def run_fix(*, log: str, repo: Path | None, apply: bool, fmt: str, approve: bool = False,
            timeout: float | None = None, no_rules: bool = False, model: str | None = None) -> int:
    from devops_agent.fix import audit
    from devops_agent.fix.apply import apply_commit, branch_name, refuse_dirty
    from devops_agent.fix.engine import FixOptions, find_fix
    from devops_agent.fix.validate import rich_reporter

    root = require_repo(repo)
    head = _head(root)
    diag, lines = _diagnose(log, root)
    report, close = rich_reporter("validate") if fmt == "text" or sys.stderr.isatty() else (None, lambda: None)
    opts = FixOptions(approve=approve, commit=apply, timeout=timeout, report=report, message=_message(diag))
    try:
        result = find_fix(diag, root, lines, opts) if not no_rules else _rules_disabled(diag)
        if result.passed is None and not result.not_fixable and diag.findings:
            result = _with_model(result, diag, root, lines, opts, model, log)
    finally:
        close()
    for a in result.attempts:
        sha = a.patch.sha256() if a.patch else None
        audit.event(root, "propose", rule=a.rule, fixer=a.fixer, outcome=a.outcome, patch_sha256=sha, detail=a.detail)
        if a.validation is not None:
            audit.event(root, "validate", rule=a.rule, fixer=a.fixer, patch_sha256=sha, **a.validation.to_json())
    passed = result.passed
    branch = None
    if passed is not None and apply and result.commit and passed.patch is not None:
        refuse_dirty(root, passed.patch.paths)
        if _head(root) != head:
            raise NotDelivered("HEAD moved while the fix was being validated; nothing was applied",
                               "run fix again on the new HEAD")
        branch = branch_name(root, passed.rule, result.commit)
        apply_commit(root, result.commit, branch, passed.patch.sha256())
        audit.event(root, "apply", rule=passed.rule, branch=branch, commit=result.commit,
                    patch_sha256=passed.patch.sha256())
    audit.record_run(root, log, diag, result, branch)
    _emit(diag, result, branch, fmt, apply)
    if passed is None:
        hint = "fix it by hand; the repository was not changed" if not result.not_fixable else "nothing in the repository was changed"
        raise NotDelivered(result.reason or "no fix passed validation", hint)
    return 0


def run_undo(*, repo: Path | None, fmt: str = "text") -> int:
    from devops_agent.fix import audit
    from devops_agent.fix.apply import undo

    root = require_repo(repo)
    state = undo(root)
    audit.event(root, "undo", branch=state.branch, commit=state.commit, patch_sha256=state.patch_sha256)
    if fmt == "json":
        sys.stdout.write(json.dumps({"schema": "devops-agent/undo@1", "deleted_branch": state.branch,
                                     "checked_out": state.previous}, indent=2) + "\n")
    else:
        sys.stdout.write(f"back on {state.previous}; deleted {state.branch}\n")
    return 0


def _head(root: Path) -> str:
    from devops_agent import gitcli

    return gitcli.text(root, "rev-parse", "HEAD").strip()


def _rules_disabled(diag: Diagnosis):  # type: ignore[no-untyped-def]
    from devops_agent.fix.engine import FixResult, not_fixable_reason

    top = diag.findings[0] if diag.findings else None
    why = not_fixable_reason(top) if top else None
    if why:
        return FixResult(top, reason=f"not fixable in the repository: {why}", not_fixable=True)
    return FixResult(top, reason="--no-rules: the built-in fixers are disabled and no model is configured"
                     if top else "the log shows no failure to fix")


def _with_model(result, diag: Diagnosis, root: Path, lines, opts, model: str | None, log: str):  # type: ignore[no-untyped-def]
    """When no rule fixer passed: the model fixer, if a model is configured (DEVOPS_AGENT_MODEL, [llm])."""
    from devops_agent.fix.engine import FixResult
    from devops_agent.fix.llm_step import llm_attempt, model_client

    client = model_client(model, root)
    if client is None:
        return result
    attempt, commit = llm_attempt(diag, root, lines, opts, client, log if log != "-" else None)
    attempts = (*result.attempts, attempt)
    if attempt.outcome == "passed":
        return FixResult(diag.findings[0], attempts, commit)
    return replace(result, attempts=attempts, reason=f"{result.reason}; model: {attempt.detail}")


def _diagnose(log: str, root: Path) -> tuple[Diagnosis, tuple[str, ...]]:
    from devops_agent.diagnose import diagnose_path, diagnose_source
    from devops_agent.logs.read import open_sources

    sources = open_sources(log)
    if len(sources) != 1:
        return _annotate(diagnose_path(log, repo=root), root), ()
    diag = diagnose_source(sources[0], repo=root, dialect=None, max_findings=5, redactor=None, baseline=None)
    return _annotate(diag, root), _read_lines(sources[0])


def _annotate(diag: Diagnosis, root: Path) -> Diagnosis:
    """The culprit commit and the flaky kinds, as `diagnose` reports them."""
    from devops_agent.flaky import known_flaky_kind

    diag = _with_culprit(diag, root)
    return replace(diag, findings=tuple(f if f.flaky else replace(f, flaky=known_flaky_kind(f)) for f in diag.findings))


def _read_lines(source) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    from devops_agent.logs.clean import clean_line
    from devops_agent.logs.read import iter_raw_lines
    from devops_agent.logs.redact import redact

    out: list[str] = []
    with source.open() as stream:
        for raw in iter_raw_lines(stream):
            out.append(redact(clean_line(raw.decode("utf-8", "replace")))[0])
            if len(out) >= MAX_LOG_LINES:
                break
    return tuple(out)


def _with_culprit(diag: Diagnosis, root: Path) -> Diagnosis:
    """The culprit commit of the top finding, when git correlation is available (seam)."""
    try:
        from devops_agent.gitscope import find_culprit
    except ImportError:
        return diag
    if not diag.findings or diag.findings[0].culprit is not None:
        return diag
    top = diag.findings[0]
    culprit = find_culprit(root, top, since=None)
    return diag if culprit is None else replace(diag, findings=(replace(top, culprit=culprit), *diag.findings[1:]))


def _message(diag: Diagnosis):  # type: ignore[no-untyped-def]
    def message(finding: Finding, patch, validation) -> str:  # type: ignore[no-untyped-def]
        checks = "\n".join(f"- {r.check.label}: passed ({r.seconds:.1f} s)" for r in validation.results)
        lines = [f"fix({finding.rule}): {patch.description}"[:200], "",
                 f"Diagnosis: {finding.title}"]
        if finding.file:
            lines.append(f"At: {finding.file}{':' + str(finding.line) if finding.line else ''}")
        if finding.evidence:
            lines.append(f"Log line {finding.evidence[0].line}: {finding.evidence[0].text.strip()[:200]}")
        lines += ["", f"Fixer: {patch.fixer} ({patch.applicability})",
                  "Validated in a scratch worktree of the parent commit:", checks, "",
                  f"Patch-SHA256: {patch.sha256()}", "Generated-by: devops-agent fix"]
        return "\n".join(lines)

    return message


def _emit(diag: Diagnosis, result, branch: str | None, fmt: str, apply: bool) -> None:  # type: ignore[no-untyped-def]
    from devops_agent.fix.render import render_json, render_text

    if fmt == "json":
        sys.stdout.write(json.dumps(render_json(diag, result, branch, apply), indent=2) + "\n")
    else:
        sys.stdout.write(render_text(result, branch, apply))
