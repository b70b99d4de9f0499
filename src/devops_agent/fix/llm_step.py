"""The model fixer as the last candidate of `fix`: its edits go through the same guardrails and the
same worktree validation as the rule fixers' patches; the passing attempt's commit is kept."""

from __future__ import annotations

from pathlib import Path

from devops_agent import gitcli
from devops_agent.fix import guard
from devops_agent.fix.apply import dirty_paths
from devops_agent.fix.engine import Attempt, FixOptions, validate_in_tree
from devops_agent.fix.patch import FileEdit, Patch
from devops_agent.fix.worktree import scratch_worktree
from devops_agent.models import Diagnosis


def model_client(model: str | None, repo: Path):  # type: ignore[no-untyped-def]
    """An LLM client when a model is configured and enabled, else None (the rules stand alone)."""
    from devops_agent.llm_client import LLMClient
    from devops_agent.llm_settings import LLMSettings

    settings = LLMSettings.resolve(model=model, repo=repo)
    if not settings.enabled or not settings.model:
        return None
    return LLMClient(settings)


def llm_attempt(diag: Diagnosis, repo: Path, log_lines: tuple[str, ...], opts: FixOptions, client,  # type: ignore[no-untyped-def]
                log_spec: str | None) -> tuple[Attempt, str | None]:
    from devops_agent.fix.llm_fixer import Validation, propose_fix

    top = diag.findings[0]
    kept: dict[str, object] = {}

    def validate(files: dict[str, str]) -> Validation:
        patch = _patch(repo, top.rule, files)
        reasons = guard.static_violations(patch, repo, category=top.category, policy=guard.load_policy(repo),
                                          approve=opts.approve)
        reasons += [f"touches uncommitted changes in {p}" for p in sorted(set(patch.paths) & dirty_paths(repo))]
        if reasons:
            return Validation(False, "rejected: " + "; ".join(reasons))
        with scratch_worktree(repo) as tree:
            patch.apply_to(tree)
            bad = guard.bandit_violations(patch, tree)
            if bad:
                return Validation(False, "rejected: " + "; ".join(bad))
            attempt, commit = validate_in_tree(top, "llm", patch, diag, tree, log_lines, opts, repo)
        kept.update(attempt=attempt, commit=commit)
        tail = "\n".join(r.tail for r in attempt.validation.results if not r.ok) if attempt.validation else ""
        return Validation(attempt.outcome == "passed", f"{attempt.detail}\n{tail}".strip())

    fix = propose_fix(diag, repo, client, validate, log_spec=log_spec)
    attempt = kept.get("attempt")
    if fix.ok and isinstance(attempt, Attempt) and attempt.outcome == "passed":
        return attempt, kept.get("commit")  # type: ignore[return-value]
    return Attempt(top.rule, "llm", "failed", fix.reason or "the model's edits did not pass validation"), None


def _patch(repo: Path, rule: str, files: dict[str, str]) -> Patch:
    blobs = gitcli.read_blobs(repo, [f"HEAD:{p}" for p in files])
    edits = []
    for path, text in sorted(files.items()):
        raw = blobs.get(f"HEAD:{path}")
        edits.append(FileEdit(path, raw.decode("utf-8", "replace") if raw is not None else None, text))
    return Patch(rule, "llm", "unsafe", f"model-written edit of {', '.join(sorted(files))}", edits=tuple(edits))
