"""Fix history and audit: every proposal, validation, apply and undo is a hash-chained audit row in
the history store (devops_agent.store), with the patch hash; the run, its fix and validations too."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from devops_agent.models import Diagnosis


def event(repo: Path, kind: str, **fields: Any) -> None:
    """Audit row ``fix.<kind>`` (propose, validate, apply, undo)."""
    from devops_agent.store import Store

    with Store.open() as db:
        db.audit(f"fix.{kind}", repo=str(repo), **{k: v for k, v in fields.items() if v is not None})


def record_run(repo: Path, log: str, diag: Diagnosis, result: Any, branch: str | None) -> int:
    """The fix run in the history: its diagnosis, the fix (if any) and the fix's validation commands."""
    from devops_agent.store import Store

    passed = result.passed
    with Store.open() as db:
        run_id = db.start_run("fix " + log, repo=str(repo), user=os.environ.get("USER") or os.environ.get("USERNAME"))
        db.record_diagnosis(run_id, diag)
        if passed is not None and passed.patch is not None:
            patch = passed.patch
            fix_id = db.record_fix(
                run_id, {"reason": result.reason, "attempts": [a.to_json() for a in result.attempts],
                         "patch_sha256": patch.sha256(), "rule": passed.rule},
                fixer=patch.fixer, safety=patch.applicability, patch=patch.diff(), branch=branch,
                commit=result.commit if branch else None, status="applied" if branch else "validated")
            for r in passed.validation.results if passed.validation else ():
                db.record_validation(fix_id, r.check.command, -1 if r.exit_code is None else r.exit_code,
                                     r.seconds, r.tail)
        db.finish_run(run_id, 0 if passed else 1, status="fixed" if branch else "validated" if passed else "not-fixed")
    return run_id
