"""kb export/import between two homes (two teammates), through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parent.parent / "examples" / "github-actions-pytest.log"


def cli(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "devops_agent", *args], capture_output=True, text=True, input=stdin,
                          env={**os.environ, "DEVOPS_AGENT_HOME": str(home)}, cwd=home.parent)


def test_export_import_round_trip_and_recall(tmp_path: Path) -> None:
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    assert cli(alice, "diagnose", str(EXAMPLE), "--no-history").returncode == 0
    assert cli(alice, "diagnose", str(EXAMPLE)).returncode == 0
    from devops_agent.store import Store

    with Store.open(alice / "history.db") as store:
        fix = store.record_fix(1, {"fixer": "add-dependency", "branch": "devops-agent/fix-x"})
        store.record_outcome("kept", fix_id=fix)
    kb = tmp_path / "team.jsonl"
    assert cli(alice, "kb", "export", str(kb)).returncode == 0
    records = [json.loads(line) for line in kb.read_text().splitlines()]
    assert len(records) == 1 and records[0]["schema"] == "devops-agent/kb@1"
    assert records[0]["resolution"].startswith("add-dependency") and records[0]["held"] is True

    first = cli(bob, "kb", "import", str(kb))
    assert first.returncode == 0 and "imported 1 incidents" in first.stdout
    again = cli(bob, "kb", "import", str(kb))
    assert "imported 0 incidents (1 already known)" in again.stdout
    diag = json.loads(cli(bob, "diagnose", str(EXAMPLE), "-f", "json").stdout)
    sim = diag["findings"][0]["similar"][0]
    assert sim["resolution"] == "add-dependency on devops-agent/fix-x" or sim["resolution"].startswith("add-dependency")
    assert cli(bob, "audit", "verify").returncode == 0


def test_import_rejects_foreign_files_before_writing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"schema": "devops-agent/kb@1", "rule": "PY-DEP-001", "title": "x"}\nnot json\n')
    proc = cli(home, "kb", "import", str(bad))
    assert proc.returncode == 2 and "bad.jsonl:2" in proc.stderr
    assert json.loads(cli(home, "history", "--json").stdout) == [], "nothing half-imported"
