"""Audit trail of fixes: every proposal, validation, apply and undo, with the patch hash.

Events go to the history store when it offers ``audit`` (devops_agent.store, a seam guarded here),
else to ``<home>/audit.jsonl`` (one JSON object a line).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from devops_agent.models import Diagnosis


def event(repo: Path, kind: str, **fields: Any) -> None:
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": kind, "repo": str(repo),
              **{k: v for k, v in fields.items() if v is not None}}
    store = _store()
    if store is not None and hasattr(store, "audit"):
        with store.open() as db:
            db.audit(record)
        return
    from devops_agent.paths import home_dir

    with open(home_dir() / "audit.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def record_run(repo: Path, log: str, diag: Diagnosis, result: Any, branch: str | None) -> None:
    """The fix run in the history (diagnosis + outcome), when the store exists."""
    store = _store()
    if store is None:
        return
    passed = result.passed
    with store.open() as db:
        run_id = db.start_run("fix " + log, repo=str(repo), user=os.environ.get("USER") or os.environ.get("USERNAME"))
        db.record_diagnosis(run_id, diag)
        if hasattr(db, "record_fix"):
            db.record_fix(run_id, {"branch": branch, "commit": result.commit, "reason": result.reason,
                                   "attempts": [a.to_json() for a in result.attempts],
                                   "patch_sha256": passed.patch.sha256() if passed and passed.patch else None})
        db.finish_run(run_id, 0 if passed else 1, status="fixed" if passed else "not-fixed")


def _store() -> Any:
    try:
        from devops_agent.store import Store
    except ImportError:
        return None
    return Store
