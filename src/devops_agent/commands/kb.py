"""`devops-agent kb export|import`: share the team's knowledge base as JSON lines.

One line per finding: what failed (rule, category, title, evidence, file), why (root cause), what
fixed it and whether the fix held. Everything in the history is already redacted. Import adds the
records to the local history as incidents of an "imported" run, skipping ones already present
(same fingerprint and time), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from devops_agent.errors import InputError

SCHEMA = "devops-agent/kb@1"
FIELDS = ("rule", "category", "title", "fingerprint", "file", "line", "root_cause", "suggestion", "evidence_text")


def run_export(dest: str, limit: int | None) -> int:
    from devops_agent.store import Store

    with Store.open() as store:
        rows = store.conn.execute(
            "SELECT f.*, r.repo FROM findings f JOIN runs r ON r.id = f.run_id WHERE f.rank = 0 ORDER BY f.id"
            + (" LIMIT ?" if limit else ""), (limit,) if limit else ()).fetchall()
        records = []
        for row in rows:
            enriched = store._with_resolution({**dict(row), "run": row["run_id"]})
            rec: dict[str, Any] = {"schema": SCHEMA, **{k: row[k] for k in FIELDS}, "seen": row["created"]}
            if enriched.get("resolution"):
                rec["resolution"] = enriched["resolution"]
            if enriched.get("held") is not None:
                rec["held"] = enriched["held"]
            records.append(rec)
        store.audit("kb.export", records=len(records), dest=dest)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if dest == "-":
        sys.stdout.write(text)
    else:
        Path(dest).write_text(text, encoding="utf-8")
        sys.stderr.write(f"exported {len(records)} incidents to {dest}\n")
    return 0


def _read(source: str) -> list[dict[str, Any]]:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror}", "pass a file written by devops-agent kb export") from None
    records = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}:{n}: not JSON ({exc.msg})", "pass a file written by devops-agent kb export") from None
        if not isinstance(rec, dict) or rec.get("schema") != SCHEMA or not rec.get("rule"):
            raise InputError(f"{source}:{n}: not a {SCHEMA} record", "pass a file written by devops-agent kb export")
        records.append(rec)
    return records


def run_import(source: str) -> int:
    from devops_agent.fingerprint import fingerprint
    from devops_agent.logs.redact import redact
    from devops_agent.store import Store, now

    records = _read(source)  # all validated before anything is written
    with Store.open() as store:
        existing = {(r[0], r[1]) for r in store.conn.execute("SELECT fingerprint, created FROM findings")}
        fresh = [r for r in records
                 if (r.get("fingerprint") or fingerprint(r["rule"], r.get("title") or ""), r.get("seen")) not in existing]
        with store.tx() as c:
            run = c.execute("INSERT INTO runs (command, started, ended, exit_code, status) VALUES (?, ?, ?, 0, 'imported')",
                            (f"kb import {source}", now(), now())).lastrowid
            for r in fresh:
                texts = {k: redact(str(r[k]))[0] if r.get(k) is not None else None
                         for k in ("title", "root_cause", "suggestion", "evidence_text")}
                fid = c.execute(
                    "INSERT INTO findings (run_id, rank, rule, category, severity, title, fingerprint, file, line,"
                    " confidence, evidence, evidence_text, root_cause, suggestion, created)"
                    " VALUES (?, 0, ?, ?, NULL, ?, ?, ?, ?, NULL, '[]', ?, ?, ?, ?)",
                    (run, r["rule"], r.get("category"), texts["title"],
                     r.get("fingerprint") or fingerprint(r["rule"], r.get("title") or ""), r.get("file"), r.get("line"),
                     texts["evidence_text"], texts["root_cause"], texts["suggestion"], r.get("seen") or now())).lastrowid
                if r.get("resolution"):
                    held = r.get("held")
                    kind = "kept" if held else ("reverted" if held is False else "imported")
                    c.execute("INSERT INTO outcomes (finding_id, kind, note, at) VALUES (?, ?, ?, ?)",
                              (fid, kind, redact(str(r["resolution"]))[0], now()))
            store._audit(c, "kb.import", {"source": source, "records": len(records), "added": len(fresh)})
    sys.stdout.write(f"imported {len(fresh)} incidents ({len(records) - len(fresh)} already known)\n")
    return 0
