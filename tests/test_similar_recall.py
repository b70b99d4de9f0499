"""Recall of similar incidents on real logs.

History: one incident per failure kind, recorded from the catalogue's real-output fixtures (about
150 different kinds). Queries: other real logs — the public benchmark's build logs, the bundled
example and the public datasets' logs — whose failure is one of those kinds. For each query, the
recorded incident of the same kind (its predecessor) must be the top `similar` entry in >= 90 %
of the queries. No scikit-learn: SQLite FTS5 (bm25) and fingerprints only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from devops_agent.diagnose import diagnose_path
from devops_agent.incidents import similar_rows
from devops_agent.store import Store

ROOT = Path(__file__).parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "rules"
SHARED = ROOT.parent / "shared"


def _queries() -> list[Path]:
    logs = sorted((SHARED / "bench" / "public" / "cases").glob("*/build.log"))
    logs += [ROOT / "examples" / "github-actions-pytest.log"]
    for name in ("cidiff", "logdx", "pytorch"):
        logs += sorted((SHARED / "datasets" / name / "logs").glob("*.log"))
    return logs


@pytest.mark.skipif(not (SHARED / "bench").is_dir(), reason="needs ../shared (benchmark and datasets)")
def test_predecessor_is_the_top_similar_incident(tmp_path: Path) -> None:
    predecessors: dict[str, int] = {}
    with Store.open(tmp_path / "history.db") as store:
        for log in sorted(FIXTURES.glob("*.log")):
            diag = diagnose_path(str(log))
            if not diag.findings or diag.findings[0].rule != log.stem or log.stem in predecessors:
                continue
            run = store.start_run(f"diagnose {log.name}")
            store.record_diagnosis(run, diag)
            store.finish_run(run, 0, status=diag.status)
            predecessors[log.stem] = run
        assert len(predecessors) >= 20
        hits, total, misses = 0, 0, []
        for log in _queries():
            diag = diagnose_path(str(log))
            if not diag.findings or diag.findings[0].rule not in predecessors or diag.findings[0].rule.startswith("GEN-"):
                continue  # a kind the history does not hold, or no kind at all (a generic error line)
            top = diag.findings[0]
            total += 1
            rows = similar_rows(store, top, exclude_run=None, limit=1)
            if rows and rows[0]["run"] == predecessors[top.rule]:
                hits += 1
            else:
                misses.append(f"{log.name}: {top.rule} -> {rows[0]['rule'] if rows else None}")
    print(f"similar-incident recall@1: {hits}/{total}", file=sys.stderr)
    assert total >= 30, "too few queries of known kinds to measure"
    assert hits / total >= 0.9, misses[:10]
