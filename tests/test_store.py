"""The history store on real SQLite files: migrations, the audit chain, concurrency, recall."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from devops_agent import migrations
from devops_agent.models import Diagnosis, Evidence, Finding, LogInfo
from devops_agent.store import Store, fts_query

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "github-actions-pytest.log"


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").fetchall()
    conn.close()
    return rows


@pytest.mark.parametrize("k", range(len(migrations.MIGRATIONS) + 1))
def test_migrations_from_every_earlier_schema(tmp_path: Path, k: int) -> None:
    fresh = tmp_path / "fresh.db"
    Store.open(fresh).close()
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    migrations.apply(conn, upto=k)
    if k >= 1:  # data written under the old schema survives the upgrade
        conn.execute("INSERT INTO runs (command, started) VALUES ('diagnose x.log', '2026-01-01T00:00:00Z')")
    conn.close()
    with Store.open(old) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM _migrations ORDER BY name")]
        assert names == [m[0] for m in migrations.MIGRATIONS]
        if k >= 1:
            assert store.runs()[0]["command"] == "diagnose x.log"
    assert _schema(old) == _schema(fresh)


def _diag(rule: str = "PY-DEP-001", title: str = "Python module 'yaml' is not installed", text: str = "E   ModuleNotFoundError: No module named 'yaml'") -> Diagnosis:
    f = Finding(rule=rule, title=title, category="dependency", severity="high", confidence=0.9,
                evidence=(Evidence(12, text),), file="src/app/loader.py", line=5)
    return Diagnosis(source=LogInfo("build.log", "github", 40, 1000, "a" * 64), status="failed", findings=(f,))


def test_diagnosis_is_recorded_with_audit(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.db") as store:
        run = store.start_run("diagnose build.log", repo="/r")
        ids = store.record_diagnosis(run, _diag())
        store.finish_run(run, 0, status="failed")
        assert len(ids) == 1
        row = store.findings_of_run(run)[0]
        assert row["fingerprint"] and json.loads(row["evidence"])[0]["line"] == 12
        assert store.search_findings(fts_query("No module named yaml"))[0]["id"] == ids[0]
        assert store.verify_audit() == []


def _audit_rows(path: Path, n: int = 5) -> None:
    with Store.open(path) as store:
        for i in range(n):
            store.audit("test.event", n=i)


@pytest.mark.parametrize(
    ("tamper", "needle"),
    [
        ("UPDATE audit SET details = '{\"n\": 99}' WHERE id = 3", "row 3"),
        ("DELETE FROM audit WHERE id = 2", "missing"),
        ("DELETE FROM audit WHERE id = 5", "removed from the end"),
    ],
    ids=["edited", "deleted", "truncated"],
)
def test_audit_verify_detects_tampering(tmp_path: Path, tamper: str, needle: str) -> None:
    db = tmp_path / "h.db"
    _audit_rows(db)
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError):  # the append-only triggers stop casual edits...
        conn.execute(tamper)
    conn.execute("DROP TRIGGER audit_no_update")  # ...a determined editor removes them first
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute(tamper)
    conn.commit()
    conn.close()
    with Store.open(db) as store:
        problems = store.verify_audit()
    assert any(needle in p for p in problems), problems


def test_audit_verify_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "DEVOPS_AGENT_HOME": str(home)}
    _audit_rows(home / "history.db")
    ok = subprocess.run([sys.executable, "-m", "devops_agent", "audit", "verify"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and "intact: 5 rows" in ok.stdout
    conn = sqlite3.connect(home / "history.db")
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET action = 'innocent' WHERE id = 4")
    conn.commit()
    conn.close()
    bad = subprocess.run([sys.executable, "-m", "devops_agent", "audit", "verify"], capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "row 4" in bad.stdout and "Traceback" not in bad.stderr


def _writer(path: str, worker: int, n: int, errors) -> None:  # type: ignore[no-untyped-def]
    try:
        with Store.open(path) as store:
            for i in range(n):
                run = store.start_run(f"w{worker}-{i}")
                store.audit("write", worker=worker, i=i)
                store.finish_run(run, 0, status="passed")
    except Exception as exc:  # reported to the parent
        errors.put(f"{type(exc).__name__}: {exc}")


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    Store.open(db).close()
    ctx = multiprocessing.get_context("spawn")
    errors = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(db), w, 200, errors)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert all(p.exitcode == 0 for p in procs)
    assert errors.empty(), errors.get()
    with Store.open(db) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM runs WHERE status = 'passed'").fetchone()[0] == 800
        assert store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 800
        assert store.verify_audit() == []


def test_unreadable_database_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "history.db").write_bytes(b"this is not a database" * 100)
    proc = subprocess.run([sys.executable, "-m", "devops_agent", "diagnose", str(EXAMPLE)], capture_output=True, text=True,
                          env={**os.environ, "DEVOPS_AGENT_HOME": str(home)}, cwd=tmp_path)
    assert proc.returncode == 2 and "history database" in proc.stderr and "--no-history" in proc.stderr


def test_history_and_similar_after_real_diagnoses(tmp_path: Path) -> None:
    env = {**os.environ, "DEVOPS_AGENT_HOME": str(tmp_path / "home")}
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-m", "devops_agent", "diagnose", str(EXAMPLE), "-f", "json"],
                             capture_output=True, text=True, env=env, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        runs.append(json.loads(out.stdout))
    assert "similar" not in runs[0]["findings"][0]
    assert runs[1]["findings"][0]["similar"][0]["incident"] >= 1
    listing = subprocess.run([sys.executable, "-m", "devops_agent", "history", "--json", "-n", "5"],
                             capture_output=True, text=True, env=env)
    assert [r["id"] for r in json.loads(listing.stdout)] == [runs[1]["run"], runs[0]["run"]]
    sim = subprocess.run([sys.executable, "-m", "devops_agent", "history", "--similar", str(runs[1]["run"]), "--json"],
                         capture_output=True, text=True, env=env)
    assert json.loads(sim.stdout)[0]["similar"][0]["run"] == runs[0]["run"]


def test_fts_query_is_safe_for_any_text() -> None:
    q = fts_query('error: "unterminated AND (NEAR x* -- OR')
    with Store.open(":memory:") as store:
        assert store.search_findings(q) == []
        assert store.search_findings('"unbalanced') == []  # malformed FTS syntax falls back to words


def test_history_path_setting_moves_the_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[history]\npath = 'db/mine.db'\n")
    env = {**os.environ, "DEVOPS_AGENT_HOME": str(home)}
    out = subprocess.run([sys.executable, "-m", "devops_agent", "diagnose", str(EXAMPLE), "-f", "json"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (home / "db" / "mine.db").is_file() and not (home / "history.db").exists()
    elsewhere = tmp_path / "abs.db"
    env["DEVOPS_AGENT_HISTORY_PATH"] = str(elsewhere)
    listing = subprocess.run([sys.executable, "-m", "devops_agent", "history", "--json"],
                             capture_output=True, text=True, env=env, cwd=tmp_path)
    assert listing.returncode == 0 and json.loads(listing.stdout) == [] and elsewhere.is_file()
