"""Output formats: the contract's JSON, SARIF valid against the official 2.1.0 schema, GitHub
workflow commands that survive hostile text, markdown and text for people."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from devops_agent.diagnose import diagnose_path
from devops_agent.models import Culprit, Diagnosis, Evidence, Finding, LogInfo, Similar
from devops_agent.render import render, render_github, to_sarif

ROOT = Path(__file__).parent.parent
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"  # official OASIS schema
FIXTURES = sorted((Path(__file__).parent / "fixtures" / "rules").glob("*.log"))


def _finding(**kw) -> Finding:
    base = dict(
        rule="GEN-ERR-001",
        title="Error: boom, 100% broken: yes",
        category="unknown",
        severity="high",
        confidence=0.9,
        evidence=(Evidence(12, "error: boom | pipe ``` fence"), Evidence(14, "second line")),
        step="Run make",
        command="make all",
        file="src/app.c",
        line=7,
        root_cause="It broke.\nReally.",
        suggestion="Fix it, then re-run.",
        fingerprint="abc123",
    )
    base.update(kw)
    return Finding(**base)


def _diag(*findings: Finding, status: str = "failed") -> Diagnosis:
    return Diagnosis(
        source=LogInfo(name="build.log", dialect="github", lines=40, bytes=1234, sha256="0" * 64),
        status=status,  # type: ignore[arg-type]
        findings=findings,
    )


@pytest.fixture(scope="module")
def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


@pytest.mark.parametrize("log", FIXTURES[:40], ids=lambda p: p.stem)
def test_sarif_of_real_diagnoses_is_valid(log: Path, sarif_validator) -> None:
    diag = diagnose_path(str(log))
    doc = to_sarif(diag)
    errors = sorted(sarif_validator.iter_errors(doc), key=str)
    assert not errors, errors[0].message
    assert len(doc["runs"][0]["results"]) == len(diag.findings)


def test_sarif_with_file_culprit_and_no_rule_is_valid(sarif_validator) -> None:
    culprit = Culprit(commit="a" * 40, subject="Refactor", author="A <a@example.com>", confidence=0.7)
    diag = _diag(
        _finding(culprit=culprit),
        _finding(rule="GEN-STEP-001", file=None, line=None, severity="low"),
    )
    doc = to_sarif(diag)
    assert not list(sarif_validator.iter_errors(doc))
    first, second = doc["runs"][0]["results"]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "src/app.c", "uriBaseId": "%SRCROOT%"}
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 7}
    assert first["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 12
    # no file: the log line is the location
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "build.log"
    assert second["level"] == "note"


def test_json_follows_the_contract() -> None:
    similar = (Similar(incident=3, seen="2026-10-02T09:14:00Z", resolution="added PyYAML"),)
    doc = json.loads(render(_diag(_finding(similar=similar)), "json"))
    assert doc["schema"] == "devops-agent/diagnosis@1"
    assert set(doc["source"]) >= {"name", "dialect", "lines", "bytes", "sha256"}
    f = doc["findings"][0]
    for key in ("rule", "title", "category", "severity", "confidence", "step", "command", "evidence",
                "file", "line", "root_cause", "suggestion", "fixable"):
        assert key in f
    assert f["evidence"][0] == {"line": 12, "text": "error: boom | pipe ``` fence"}
    assert f["similar"] == [{"incident": 3, "seen": "2026-10-02T09:14:00Z", "resolution": "added PyYAML"}]
    assert "culprit" not in f


def test_github_commands_escape_hostile_text() -> None:
    out = render_github(_diag(_finding(), _finding(file="a,b:c.py", line=None)))
    lines = out.splitlines()
    assert len(lines) == 2, "one workflow command per finding; newlines must be encoded"
    assert lines[0].startswith("::error file=src/app.c,line=7,title=GEN-ERR-001 Error%3A boom%2C 100%25 broken%3A yes::")
    assert "It broke.%0AReally." in lines[0]
    assert lines[1].startswith("::warning file=a%2Cb%3Ac.py,title=")


def test_github_summary_written_in_a_github_job(tmp_path, monkeypatch) -> None:
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary), "PATH": "/usr/bin:/bin"}
    log = FIXTURES[0]
    proc = subprocess.run(
        [sys.executable, "-m", "devops_agent", "diagnose", str(log), "--format", "github", "--no-history"],
        capture_output=True, text=True, cwd=tmp_path, env={**_base_env(), **env},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("::error")
    assert summary.read_text().startswith("### devops-agent:")


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}


def test_markdown_is_safe_for_a_pr_comment() -> None:
    md = render(_diag(_finding(), _finding(rule="GEN-ERR-002", title="x|y")), "markdown")
    assert "````text" in md, "a fence longer than any backtick run inside the evidence"
    assert "| Location | `src/app.c:7` |" in md
    assert "x\\|y" in md
    assert "Low confidence" not in md


def test_text_says_when_confidence_is_low() -> None:
    low = render(_diag(_finding(confidence=0.2)), "text")
    assert "low confidence" in low
    high = render(_diag(_finding(confidence=0.9)), "text")
    assert "low confidence" not in high
    assert "src/app.c:7" in high


def test_text_shows_context_around_the_evidence() -> None:
    ctx = tuple(Evidence(n, f"line {n}") for n in range(10, 16))
    out = render(_diag(_finding(context=ctx, evidence=(Evidence(12, "line 12"),))), "text")
    shown = [ln for ln in out.splitlines() if "line 1" in ln]
    assert len(shown) == 6
    assert any(ln.lstrip().startswith(">") and "12" in ln for ln in shown)


def test_passed_and_empty() -> None:
    assert "passed" in render(_diag(status="passed"), "text")
    assert render_github(_diag(status="passed")).startswith("::notice")
    doc = json.loads(render(replace(_diag(status="passed")), "json"))
    assert doc["findings"] == [] and doc["status"] == "passed"
