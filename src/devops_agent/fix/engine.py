"""Find a validated fix: for the diagnosis' findings, each registered fixer proposes a patch in a
scratch worktree; guardrails screen it; the failing step (and [validate]) must then pass there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devops_agent import gitcli
from devops_agent.fix import guard
from devops_agent.fix.apply import dirty_paths
from devops_agent.fix.patch import Patch
from devops_agent.fix.plan import plan_checks, validate_timeout
from devops_agent.fix.registry import FixContext, Fixer, fixers_for
from devops_agent.fix.validate import Reporter, Validation, run_checks
from devops_agent.fix.worktree import prune_stale, scratch_worktree
from devops_agent.models import Diagnosis, Finding

MAX_FINDINGS = 3

# Failures no change in the repository fixes, with the human action to take.
HUMAN_ACTION = {
    "infrastructure": "a service the job depends on was unavailable: repair or wait for it, then re-run the job",
    "timeout": "the job hit a time limit: find what hangs or waits (a missing service?) or raise the limit",
    "resource": "the job ran out of memory or disk: raise the runner's limit or reduce what the step holds at once",
}
SECRET_RULES = ("CFG-ENV-001",)
# A missing environment variable/secret, whatever rule reported it (e.g. a KeyError on os.environ).
_MISSING_ENV = re.compile(r"KeyError: '(?P<name>[A-Z][A-Z0-9_]{2,})'|environ(?:ment)?\[['\"](?P<name2>[A-Z][A-Z0-9_]{2,})"
                          r"|(?:variable|secret) (?P<name3>[A-Z][A-Z0-9_]{2,}) is (?:not set|missing|empty)")


@dataclass(frozen=True)
class Attempt:
    rule: str
    fixer: str
    outcome: str  # no-patch | rejected | refused | failed | passed | error
    detail: str = ""
    patch: Patch | None = None
    validation: Validation | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"rule": self.rule, "fixer": self.fixer, "outcome": self.outcome, "detail": self.detail}
        if self.patch is not None:
            out["patch_sha256"] = self.patch.sha256()
        if self.validation is not None:
            out["validation"] = self.validation.to_json()
        return out


@dataclass(frozen=True)
class FixResult:
    finding: Finding | None
    attempts: tuple[Attempt, ...] = ()
    commit: str | None = None  # the fix commit (made in the scratch worktree) when committed
    reason: str | None = None  # why there is no fix
    not_fixable: bool = False  # the failure is outside the repository
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def passed(self) -> Attempt | None:
        return next((a for a in self.attempts if a.outcome == "passed"), None)


@dataclass(frozen=True)
class FixOptions:
    approve: bool = False
    commit: bool = False  # make the fix commit in the worktree (for --apply)
    timeout: float | None = None
    report: Reporter | None = None
    message: Callable[[Finding, Patch, Validation], str] | None = None


def not_fixable_reason(f: Finding) -> str | None:
    text = "\n".join(e.text for e in (*f.evidence, *f.context))
    env = _MISSING_ENV.search(text)
    if env and env.group("name") and "environ" not in text and "getenv" not in text:
        env = None  # a KeyError on an ordinary dict
    if f.rule in SECRET_RULES or env:
        name = f.data.get("name") or (env and (env.group("name") or env.group("name2") or env.group("name3")))
        return (f"a secret or variable{f' {name}' if name else ''} is missing in CI: "
                "add it to the CI settings (masked); a fix in the code would need a human decision about it")
    if f.category in HUMAN_ACTION:
        return HUMAN_ACTION[f.category]
    if f.flaky:
        return f"the failure looks flaky ({f.flaky}): re-run the job first"
    return None


def find_fix(diag: Diagnosis, repo: Path, log_lines: tuple[str, ...], opts: FixOptions) -> FixResult:
    if not diag.findings:
        return FixResult(None, reason="the log shows no failure to fix")
    top = diag.findings[0]
    why = not_fixable_reason(top)
    if why is not None:
        return FixResult(top, reason=f"not fixable in the repository: {why}", not_fixable=True)
    prune_stale(repo)
    attempts: list[Attempt] = []
    for finding, fx in _candidates(diag):
        attempt, commit = _attempt(finding, fx, diag, repo, log_lines, opts)
        attempts.append(attempt)
        if attempt.outcome == "passed":
            return FixResult(finding, tuple(attempts), commit)
    return FixResult(top, tuple(attempts), reason=_no_fix_reason(top, attempts))


def _candidates(diag: Diagnosis) -> list[tuple[Finding, Fixer]]:
    findings = [f for f in diag.findings[:MAX_FINDINGS] if not_fixable_reason(f) is None]
    specific = [(f, fx) for f in findings for fx in fixers_for(f.rule) if "*" not in fx.codes]
    fallback = [(f, fx) for f in findings[:1] for fx in fixers_for(f.rule) if "*" in fx.codes]
    order = {"safe": 0, "unsafe": 1, "display-only": 2}
    return sorted(specific, key=lambda c: order[c[1].applicability]) + fallback


def _attempt(finding: Finding, fx: Fixer, diag: Diagnosis, repo: Path, log_lines: tuple[str, ...],
             opts: FixOptions) -> tuple[Attempt, str | None]:
    with scratch_worktree(repo) as tree:
        ctx = FixContext(finding, diag, tree, repo, log_lines)
        patch = fx.propose(ctx)
        if patch is None or patch.empty:
            return Attempt(finding.rule, fx.name, "no-patch", "the fixer found nothing it can change safely"), None
        reasons = guard.static_violations(patch, repo, category=finding.category,
                                          policy=guard.load_policy(repo), approve=opts.approve)
        clash = sorted(set(patch.paths) & dirty_paths(repo)) if opts.commit else []
        if clash:
            return Attempt(finding.rule, fx.name, "refused", f"touches uncommitted changes in {', '.join(clash)}",
                           patch), None
        if not reasons:
            patch.apply_to(tree)
            reasons = guard.bandit_violations(patch, tree)
        if reasons:
            return Attempt(finding.rule, fx.name, "rejected", "; ".join(reasons), patch), None
        if patch.applicability == "display-only":
            return Attempt(finding.rule, fx.name, "display-only", "shown, never applied", patch), None
        return validate_in_tree(finding, fx.name, patch, diag, tree, log_lines, opts, repo)


def validate_in_tree(finding: Finding, fixer_name: str, patch: Patch, diag: Diagnosis, tree: Path,
                     log_lines: tuple[str, ...], opts: FixOptions, repo: Path) -> tuple[Attempt, str | None]:
    """Run the planned checks with ``patch`` applied in ``tree``; commit it there when they pass."""
    from devops_agent.fix.apply import commit_in_tree

    gitcli.git(tree, "add", "--", *patch.paths)
    checks = plan_checks(tree, diag, finding, log_lines, config_root=repo)
    validation = run_checks(tree, checks, timeout=opts.timeout or validate_timeout(repo), report=opts.report)
    if not validation.ok:
        return Attempt(finding.rule, fixer_name, "failed", validation.reason, patch, validation), None
    commit = None
    if opts.commit:
        message = opts.message(finding, patch, validation) if opts.message else patch.description
        commit = commit_in_tree(tree, patch.paths, patch.executable, message)
    return Attempt(finding.rule, fixer_name, "passed", validation.summary(), patch, validation), commit


def _no_fix_reason(top: Finding, attempts: list[Attempt]) -> str:
    if not attempts:
        return f"no fixer for {top.rule} ({top.title})"
    tried = "; ".join(f"{a.fixer} ({a.rule}): {a.outcome}{': ' + a.detail if a.detail else ''}" for a in attempts)
    return f"no fix passed validation — {tried}"
