"""Similar past incidents: exact fingerprint matches first, then full-text (FTS5, bm25) neighbours.

No scikit-learn here: SQLite's FTS5 ranks by bm25 over the findings' titles, evidence, root causes
and files, and a same-rule bonus keeps an incident of the same kind above a lexically close one of
another kind.
"""

from __future__ import annotations

from typing import Any

from devops_agent.models import Finding, Similar

TEXT = 5.0  # bm25, normalised to [0, 1] over the candidates
SAME_RULE = 6.0
SAME_CATEGORY = 1.0
SECONDARY = -2.0  # the incident was not the run's lead finding
EXACT = 100.0


def _text_of(f: Finding | dict[str, Any]) -> tuple[str, str, str, str]:
    if isinstance(f, Finding):
        ev = "\n".join(e.text for e in f.evidence[:3])
        return f.rule, f.category, f.title, ev
    return f["rule"], f.get("category") or "", f.get("title") or "", f.get("evidence_text") or ""


def similar_rows(store, finding: Finding | dict[str, Any], *, exclude_run: int | None, limit: int = 3) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    from devops_agent.fingerprint import fingerprint
    from devops_agent.store import fts_query

    rule, category, title, evidence = _text_of(finding)
    fp = finding.fingerprint if isinstance(finding, Finding) else finding.get("fingerprint")
    fp = fp or fingerprint(rule, title)
    scored: dict[int, tuple[float, dict[str, Any]]] = {}
    for row in store.findings_by_fingerprint(fp, exclude_run=exclude_run, limit=limit):
        scored[row["id"]] = (EXACT + row["id"] * 1e-9, row)
    query = fts_query(f"{title}\n{evidence}")
    if query:
        rows = [r for r in store.search_findings(query, limit=limit * 10)
                if r["run"] != exclude_run and r["id"] not in scored]
        top = max((-float(r.get("score") or 0.0) for r in rows), default=0.0) or 1.0
        for row in rows:
            score = TEXT * (-float(row.get("score") or 0.0)) / top  # bm25: lower is better
            score += SAME_RULE if row["rule"] == rule else 0.0
            score += SAME_CATEGORY if row["category"] == category else 0.0
            score += SECONDARY if row.get("rank") else 0.0
            scored[row["id"]] = (score + row["id"] * 1e-9, row)  # ties: the most recent
    best = sorted(scored.values(), key=lambda t: -t[0])[:limit]
    return [{"incident": r["id"], "run": r["run"], "seen": r["seen"], "rule": r["rule"], "title": r["title"],
             "resolution": r.get("resolution"), "held": r.get("held"), "score": round(s, 3)} for s, r in best]


def attach_similar(store, findings: tuple[Finding, ...], *, exclude_run: int | None) -> tuple[Finding, ...]:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    out = []
    for i, f in enumerate(findings):
        if i >= 3:
            out.append(f)
            continue
        rows = similar_rows(store, f, exclude_run=exclude_run)
        sims = tuple(Similar(incident=r["incident"], seen=r["seen"], resolution=r["resolution"], held=r["held"],
                             score=r["score"]) for r in rows)
        out.append(replace(f, similar=sims))
    return tuple(out)
