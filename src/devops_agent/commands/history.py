"""`devops-agent history` and `devops-agent audit verify`."""

from __future__ import annotations

import json
import sys

from devops_agent.errors import InputError, NotDelivered


def run_history(*, limit: int, as_json: bool, similar: int | None) -> int:
    from devops_agent.store import Store

    with Store.open() as store:
        if similar is not None:
            return _similar(store, similar, as_json)
        runs = store.runs(limit)
    if as_json:
        sys.stdout.write(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
        return 0
    if not runs:
        sys.stdout.write("no runs recorded yet (devops-agent diagnose LOG records one)\n")
        return 0
    for r in runs:
        when = (r["started"] or "")[:19].replace("T", " ")
        status = r["status"] or ("running" if r["ended"] is None else "?")
        top = f"  {r['top']}" if r["top"] else ""
        sys.stdout.write(f"{r['id']:>5}  {when}  {status:<10} {r['command'][:60]}{top[:80]}\n")
    return 0


def _similar(store, run_id: int, as_json: bool) -> int:  # type: ignore[no-untyped-def]
    from devops_agent.incidents import similar_rows

    if store.run(run_id) is None:
        raise InputError(f"no run {run_id} in the history", "list runs with devops-agent history")
    findings = store.findings_of_run(run_id)
    out = []
    for f in findings[:3]:
        out.append({"finding": f["id"], "rule": f["rule"], "title": f["title"],
                    "similar": similar_rows(store, f, exclude_run=run_id)})
    if as_json:
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return 0
    for item in out:
        sys.stdout.write(f"{item['rule']} {item['title']}\n")
        if not item["similar"]:
            sys.stdout.write("    no similar incident recorded\n")
        for s in item["similar"]:
            res = f" — resolved: {s['resolution']}" if s.get("resolution") else ""
            held = "" if s.get("held") is None else (" (held)" if s["held"] else " (did not hold)")
            sys.stdout.write(f"    incident {s['incident']} run {s['run']} {s['seen'][:19]} {s['rule']} {s['title'][:70]}{res}{held}\n")
    return 0


def run_audit_verify(as_json: bool) -> int:
    from devops_agent.store import Store

    with Store.open() as store:
        problems = store.verify_audit()
        total = store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    if as_json:
        sys.stdout.write(json.dumps({"rows": total, "ok": not problems, "problems": problems}, indent=2) + "\n")
    elif not problems:
        sys.stdout.write(f"audit log intact: {total} rows, hash chain verified\n")
    else:
        for p in problems:
            sys.stdout.write(f"TAMPERED: {p}\n")
    if problems:
        raise NotDelivered(f"the audit log fails verification ({len(problems)} problem(s))",
                           "restore the history database from a backup; the rows above were changed or removed")
    return 0
