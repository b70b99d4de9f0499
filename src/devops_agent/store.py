"""The local history: one SQLite database (stdlib ``sqlite3``) in the devops-agent home.

Every diagnosis, fix, validation, outcome, model call, pull request and push check is recorded, so
later runs can recall similar incidents, re-rank fixes and learn push risk. Writes are short
``BEGIN IMMEDIATE`` transactions (all or nothing) in WAL mode with a busy timeout, retried on
contention, so a pre-push hook and an interactive command can write at the same time.

The audit log is append-only and hash-chained: each row stores the previous row's hash and its
own hash over canonical JSON of its fields; ``verify_audit`` recomputes the chain and compares it
with a head record, so an edited, deleted or truncated row is reported.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devops_agent import migrations
from devops_agent.errors import InputError
from devops_agent.models import Diagnosis

GENESIS = "0" * 64
BUSY_TIMEOUT_MS = 10_000
RETRIES = 20


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def default_path() -> Path:
    """``[history] path`` (resolved from the current directory's settings), else home/history.db."""
    from devops_agent.config import load_settings
    from devops_agent.paths import home_dir

    configured = load_settings(None, {}).history.path
    return home_dir() / Path(configured).expanduser() if configured else home_dir() / "history.db"


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    # -- lifecycle --------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str | None = None) -> Store:
        db = Path(path) if path is not None else default_path()
        try:
            db.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(db, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"cannot open the history database {db}: {exc}",
                             "check DEVOPS_AGENT_HOME and its permissions, or pass --no-history") from None
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _retry(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            _retry(lambda: migrations.apply(conn))
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise InputError(f"the history database {db} is unreadable: {exc}",
                             "move it aside (a new one is created), or pass --no-history") from None
        return cls(conn, db)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all or nothing, retried while another writer holds the lock."""
        for attempt in range(RETRIES):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not _contended(exc) or attempt == RETRIES - 1:
                    raise
                time.sleep(min(1.0, 0.01 * 2 ** attempt) * random.random())
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    # -- runs -------------------------------------------------------------------------------------
    def start_run(self, command: str, *, repo: str | None = None, user: str | None = None,
                  branch: str | None = None, commit: str | None = None) -> int:
        with self.tx() as c:
            cur = c.execute(
                "INSERT INTO runs (command, repo, branch, commit_sha, user, started) VALUES (?, ?, ?, ?, ?, ?)",
                (command, repo, branch, commit, user, now()),
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, exit_code: int, *, status: str | None = None) -> None:
        with self.tx() as c:
            c.execute("UPDATE runs SET ended = ?, exit_code = ?, status = ? WHERE id = ?",
                      (now(), exit_code, status, run_id))

    def record_diagnosis(self, run_id: int, diag: Diagnosis) -> list[int]:
        """The log source and every finding of a diagnosis, plus an audit row, in one transaction."""
        from devops_agent.fingerprint import fingerprint

        ids = []
        with self.tx() as c:
            src = diag.source
            c.execute("INSERT INTO log_sources (run_id, name, sha256, dialect, size, lines) VALUES (?, ?, ?, ?, ?, ?)",
                      (run_id, src.name, src.sha256, src.dialect, src.bytes, src.lines))
            created = now()
            for rank, f in enumerate(diag.findings):
                evidence = [{"line": e.line, "text": e.text} for e in f.evidence]
                cur = c.execute(
                    "INSERT INTO findings (run_id, rank, rule, category, severity, title, fingerprint, file, line,"
                    " confidence, evidence, evidence_text, root_cause, suggestion, step, command, flaky, culprit,"
                    " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (run_id, rank, f.rule, f.category, f.severity, f.title,
                     f.fingerprint or fingerprint(f.rule, f.title), f.file, f.line, f.confidence,
                     json.dumps(evidence, ensure_ascii=False), "\n".join(e.text for e in f.evidence),
                     f.root_cause, f.suggestion, f.step, f.command, f.flaky,
                     json.dumps(asdict(f.culprit)) if f.culprit else None, created),
                )
                ids.append(int(cur.lastrowid or 0))
            self._audit(c, "diagnosis.recorded", {
                "run": run_id, "log_sha256": src.sha256, "status": diag.status,
                "findings": [{"rule": f.rule, "fingerprint": f.fingerprint} for f in diag.findings],
            })
        return ids

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT r.*, (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id) AS n_findings,"
            " (SELECT rule || ' ' || title FROM findings f WHERE f.run_id = r.id AND f.rank = 0) AS top"
            " FROM runs r ORDER BY r.id DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def run(self, run_id: int) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return dict(row) if row else None

    def findings_of_run(self, run_id: int) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM findings WHERE run_id = ? ORDER BY rank", (run_id,))]

    # -- search -----------------------------------------------------------------------------------
    _FINDING_COLUMNS = (
        "f.id AS id, f.id AS finding_id, f.run_id AS run, f.rank AS rank, f.rule, f.category, f.title, f.file, f.line,"
        " f.fingerprint, f.root_cause, f.suggestion, f.evidence_text, f.created AS seen, r.repo AS repo,"
        " r.commit_sha AS commit_sha, r.status AS run_status"
    )

    def search_findings(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        """Findings matching an FTS5 query (see :func:`fts_query`), best bm25 first."""
        if not query.strip():
            return []
        try:
            rows = self.conn.execute(
                f"SELECT {self._FINDING_COLUMNS}, bm25(findings_fts) AS score FROM findings_fts"
                " JOIN findings f ON f.id = findings_fts.rowid JOIN runs r ON r.id = f.run_id"
                " WHERE findings_fts MATCH ? ORDER BY score LIMIT ?", (query, limit))
            found = [dict(r) for r in rows]
        except sqlite3.OperationalError:  # a malformed query from free text: search its words instead
            return self.search_findings(fts_query(query), limit) if query != fts_query(query) else []
        return [self._with_resolution(r) for r in found]

    def recent_findings(self, limit: int = 10) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            f"SELECT {self._FINDING_COLUMNS} FROM findings f JOIN runs r ON r.id = f.run_id"
            " WHERE f.rank = 0 ORDER BY f.id DESC LIMIT ?", (limit,))
        return [self._with_resolution(dict(r)) for r in rows]

    def findings_by_fingerprint(self, fp: str, *, exclude_run: int | None = None, limit: int = 10) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            f"SELECT {self._FINDING_COLUMNS} FROM findings f JOIN runs r ON r.id = f.run_id"
            " WHERE f.fingerprint = ? AND f.run_id IS NOT ? ORDER BY f.id DESC LIMIT ?", (fp, exclude_run, limit))
        return [self._with_resolution(dict(r)) for r in rows]

    def _with_resolution(self, row: dict[str, Any]) -> dict[str, Any]:
        """How the finding's run was resolved: the fix recorded for it and whether it held."""
        fix = self.conn.execute(
            "SELECT id, fixer, branch, commit_sha, status, details FROM fixes WHERE run_id = ? OR finding_id = ?"
            " ORDER BY id DESC LIMIT 1", (row["run"], row["id"])).fetchone()
        if fix is not None:
            details = _loads(fix["details"]) or {}
            what = fix["fixer"] or details.get("reason") or "fix"
            where = f" on {fix['branch']}" if fix["branch"] else ""
            row["resolution"] = f"{what}{where}" + (f" ({fix['status']})" if fix["status"] else "")
            outcome = self.conn.execute("SELECT kind FROM outcomes WHERE fix_id = ? ORDER BY id DESC LIMIT 1",
                                        (fix["id"],)).fetchone()
            if outcome is not None:
                row["held"] = outcome["kind"] in ("kept", "ci_green")
        outcome = self.conn.execute("SELECT kind, note FROM outcomes WHERE finding_id = ? ORDER BY id DESC LIMIT 1",
                                    (row["id"],)).fetchone()
        if outcome is not None:
            row.setdefault("resolution", outcome["note"] or outcome["kind"])
            row.setdefault("held", outcome["kind"] in ("kept", "ci_green"))
        return row

    def rule_history(self, repo: str, rules: list[str], window: int = 50) -> tuple[float, bool]:
        """(share of the repo's recent failed runs led by one of ``rules``, whether any ever was)."""
        rows = self.conn.execute(
            "SELECT f.rule FROM runs r JOIN findings f ON f.run_id = r.id AND f.rank = 0"
            " WHERE r.repo = ? AND r.status = 'failed' ORDER BY r.id DESC LIMIT ?", (repo, window)).fetchall()
        if not rows or not rules:
            return 0.0, False
        hits = sum(1 for r in rows if r["rule"] in rules)
        return hits / len(rows), hits > 0

    # -- fixes and outcomes -------------------------------------------------------------------------
    def record_fix(self, run_id: int | None, details: dict[str, Any] | None = None, *, finding_id: int | None = None,
                   fixer: str | None = None, safety: str | None = None, patch: str | None = None,
                   branch: str | None = None, commit: str | None = None, status: str | None = None) -> int:
        details = dict(details or {})
        branch = branch or details.get("branch")
        commit = commit or details.get("commit")
        status = status or details.get("status") or ("applied" if commit else None)
        with self.tx() as c:
            cur = c.execute(
                "INSERT INTO fixes (run_id, finding_id, fixer, safety, patch, branch, commit_sha, status, details, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, finding_id, fixer or details.get("fixer"), safety or details.get("safety"), patch, branch,
                 commit, status, json.dumps(details, ensure_ascii=False, default=str), now()))
            fix_id = int(cur.lastrowid or 0)
            self._audit(c, "fix.recorded", {"fix": fix_id, "run": run_id, "branch": branch, "commit": commit,
                                            "patch_sha256": details.get("patch_sha256")})
        return fix_id

    def record_validation(self, fix_id: int, command: str, exit_code: int, duration_s: float,
                          output_tail: str = "") -> int:
        with self.tx() as c:
            cur = c.execute("INSERT INTO validations (fix_id, command, exit_code, duration_s, output_tail, created)"
                            " VALUES (?, ?, ?, ?, ?, ?)", (fix_id, command, exit_code, duration_s, output_tail[-4000:], now()))
            return int(cur.lastrowid or 0)

    def record_outcome(self, kind: str, *, fix_id: int | None = None, finding_id: int | None = None,
                       note: str | None = None) -> int:
        with self.tx() as c:
            cur = c.execute("INSERT INTO outcomes (fix_id, finding_id, kind, note, at) VALUES (?, ?, ?, ?, ?)",
                            (fix_id, finding_id, kind, note, now()))
            self._audit(c, "outcome.recorded", {"fix": fix_id, "finding": finding_id, "kind": kind})
            return int(cur.lastrowid or 0)

    # -- model calls, pull requests, pushes ---------------------------------------------------------
    def record_llm_call(self, *, model: str, prompt: str, response: str, tokens_in: int, tokens_out: int,
                        cost_usd: float, latency_ms: int, cached: bool, purpose: str | None = None,
                        run_id: int | None = None, error: str | None = None) -> int:
        with self.tx() as c:
            cur = c.execute(
                "INSERT INTO llm_calls (run_id, model, purpose, prompt, response, tokens_in, tokens_out, cost_usd,"
                " latency_ms, cached, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, model, purpose, prompt, response, tokens_in, tokens_out, cost_usd, latency_ms,
                 int(bool(cached)), error, _iso_seconds()))
            self._audit(c, "llm.call", {"call": cur.lastrowid, "model": model, "cost_usd": cost_usd,
                                        "prompt_sha256": hashlib.sha256(prompt.encode()).hexdigest()})
            return int(cur.lastrowid or 0)

    def llm_spend_since(self, since_iso: str) -> tuple[float, int]:
        row = self.conn.execute(
            "SELECT COALESCE(SUM(cost_usd), 0), COALESCE(SUM(tokens_in + tokens_out), 0) FROM llm_calls"
            " WHERE at >= ? AND cached = 0", (since_iso,)).fetchone()
        return float(row[0]), int(row[1])

    def llm_calls(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM llm_calls ORDER BY id")]

    def record_pr(self, *, platform: str, repo: str, branch: str, url: str, number: int, existed: bool) -> int:
        with self.tx() as c:
            cur = c.execute("INSERT INTO prs (platform, repo, branch, url, number, existed, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (platform, repo, branch, url, number, int(existed), now()))
            return int(cur.lastrowid or 0)

    def record_push(self, *, repo: str, range: str, head: str, risk: float, verdict: str,
                    features: dict[str, float]) -> int:
        with self.tx() as c:
            cur = c.execute("INSERT INTO pushes (repo, range, head, risk, verdict, features, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (repo, range, head, risk, verdict, json.dumps(features), now()))
            return int(cur.lastrowid or 0)

    def pushes(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM pushes ORDER BY id")]

    # -- audit --------------------------------------------------------------------------------------
    def audit(self, action: str | dict[str, Any], **details: Any) -> int:
        """Append an audit row. ``audit("pr.opened", url=...)`` or ``audit({"event": ..., ...})``."""
        if isinstance(action, dict):
            details = {**action, **details}
            action = str(details.pop("event", details.pop("action", "event")))
        with self.tx() as c:
            return self._audit(c, action, details)

    def _audit(self, c: sqlite3.Connection, action: str, details: dict[str, Any]) -> int:
        head = c.execute("SELECT count, hash FROM audit_head WHERE one = 1").fetchone()
        prev = head["hash"] if head else GENESIS
        count = head["count"] if head else 0
        at = now()
        body = json.dumps(details, sort_keys=True, ensure_ascii=False, default=str)
        row_id = count + 1
        digest = _audit_hash(row_id, at, action, body, prev)
        c.execute("INSERT INTO audit (id, at, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
                  (row_id, at, action, body, prev, digest))
        c.execute("INSERT INTO audit_head (one, count, hash) VALUES (1, ?, ?)"
                  " ON CONFLICT(one) DO UPDATE SET count = excluded.count, hash = excluded.hash", (row_id, digest))
        return row_id

    def verify_audit(self) -> list[str]:
        """Every inconsistency in the audit chain (empty: intact)."""
        problems: list[str] = []
        prev = GENESIS
        expected_id = 1
        for row in self.conn.execute("SELECT * FROM audit ORDER BY id"):
            if row["id"] != expected_id:
                problems.append(f"rows {expected_id}..{row['id'] - 1} are missing (deleted)")
            if row["prev_hash"] != prev:
                problems.append(f"row {row['id']}: does not follow the previous row (a row before it was changed or removed)")
            digest = _audit_hash(row["id"], row["at"], row["action"], row["details"], row["prev_hash"])
            if digest != row["hash"]:
                problems.append(f"row {row['id']} ({row['action']}): contents do not match its hash (edited)")
            prev = row["hash"]
            expected_id = row["id"] + 1
        head = self.conn.execute("SELECT count, hash FROM audit_head WHERE one = 1").fetchone()
        count = expected_id - 1
        if head is not None and (head["count"] != count or head["hash"] != prev):
            problems.append(f"the chain ends at row {count} but {head['count']} rows were written (rows removed from the end)")
        if head is None and count:
            problems.append("the audit head record is missing")
        return problems

    def audit_rows(self, limit: int = 50) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))]


def fts_query(text: str, max_terms: int = 24) -> str:
    """An FTS5 OR-query from free text: distinctive words, each quoted (punctuation is literal)."""
    import re

    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", text)
    seen: list[str] = []
    for w in words:
        lw = w.lower()
        if lw not in _STOP and lw not in seen:
            seen.append(lw)
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in seen[:max_terms])


_STOP = frozenset("the and for with from that this are was were not but you your have has had into out error "
                  "errors failed failure line file run".split())


def _audit_hash(row_id: int, at: str, action: str, details: str, prev: str) -> str:
    canonical = json.dumps({"id": row_id, "at": at, "action": action, "details": details, "prev": prev},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _iso_seconds() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _loads(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _contended(exc: sqlite3.OperationalError) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


def _retry(fn):  # type: ignore[no-untyped-def]
    for attempt in range(RETRIES):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not _contended(exc) or attempt == RETRIES - 1:
                raise
            time.sleep(min(1.0, 0.01 * 2 ** attempt) * random.random())
    return None
