"""Dialect detection and step splitting on real CI logs (the shared benchmark's build logs)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from devops_agent.diagnose import _failing_step, matcher
from devops_agent.logs.dialects import StepTracker, detect_dialect
from devops_agent.logs.read import open_sources
from devops_agent.scan import scan

CASES = Path(__file__).resolve().parents[2] / "shared" / "bench" / "public" / "cases"
needs_bench = pytest.mark.skipif(not CASES.is_dir(), reason="shared bench not present")


def _scan(log: Path):
    (src,) = open_sources(str(log))
    return scan(src, matcher())


@needs_bench
@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()) if CASES.is_dir() else [])
def test_detects_the_dialect_of_real_logs(case: str) -> None:
    meta = tomllib.loads((CASES / case / "case.toml").read_text())
    assert _scan(CASES / case / "build.log").dialect == meta["log_format"]


@needs_bench
def test_github_failing_step_and_command() -> None:
    sc = _scan(next(CASES.glob("p05-*")) / "build.log")
    step = sc.steps[_failing_step(sc)]
    assert step.name == "Run ruff check ." and step.command == "ruff check ." and step.exit_code == 1


@needs_bench
def test_gitlab_failing_command_and_exit_code() -> None:
    sc = _scan(next(CASES.glob("p15-*")) / "build.log")
    step = sc.steps[_failing_step(sc)]
    assert step.command == "timeout 2 python scripts/wait_for_postgres.py" and step.exit_code == 124


@needs_bench
def test_plain_transcript_fails_at_its_last_command() -> None:
    sc = _scan(next(CASES.glob("p10-*")) / "build.log")
    assert sc.steps[_failing_step(sc)].command == "./scripts/build_docs.sh"


def _track(dialect: str, lines: list[str]) -> StepTracker:
    t = StepTracker(dialect)
    for n, line in enumerate(lines, 1):
        t.feed(n, line)
    t.finish(len(lines))
    return t


def test_jenkins_stage_and_shell_commands() -> None:
    t = _track("jenkins", [
        "Started by user admin", "[Pipeline] { (Build)", "[Pipeline] sh", "+ mvn -B verify",
        "[ERROR] BUILD FAILURE", "[Pipeline] }", "ERROR: script returned exit code 1", "Finished: FAILURE",
    ])
    failed = [s for s in t.steps if s.failed]
    assert [s.command for s in failed] == ["mvn -B verify"] and failed[0].exit_code == 1
    assert t.job_failed is True


def test_travis_command_exit_line() -> None:
    t = _track("travis", [
        "travis_fold:start:install", "$ pip install -r requirements.txt", "ok", "travis_fold:end:install",
        "$ pytest", "1 failed", 'The command "pytest" exited with 1.', "Done. Your build exited with 1.",
    ])
    assert [(s.command, s.exit_code) for s in t.steps if s.failed] == [("pytest", 1)]


def test_detect_dialect_from_heads() -> None:
    assert detect_dialect([b"Started by timer", b"Running as SYSTEM"]) == "jenkins"
    assert detect_dialect([b"travis_fold:start:worker_info", b"Worker information"]) == "travis"
    assert detect_dialect([b"$ make", b"cc -c x.c"]) == "plain"
    gh = [b"2026-01-01T00:00:00.0000000Z ##[group]Run make", b"2026-01-01T00:00:00.1000000Z make"]
    assert detect_dialect(gh) == "github"
    # Jenkins' timestamper plugin puts the time first
    assert detect_dialect([b"[2026-03-02T09:14:03.137Z] Started by user admin", b"[2026-03-02T09:14:03.200Z] [Pipeline] sh"]) == "jenkins"
    assert detect_dialect([b"[09:14:03] Started by user admin"]) == "jenkins"
    assert detect_dialect([b"2026-01-01T00:00:00.0000000Z ##[section]Starting: Build"]) == "azure"


def _azure_log(tmp_path: Path, script: str, output: str, code: int) -> Path:
    """Azure Pipelines' raw log layout (as its docs and public rust-lang Azure logs show it) around
    real tool output: Azure itself cannot run here."""
    ts = "2026-03-02T09:14:03.1370000Z "
    lines = [
        "##[section]Starting: Initialize job", "Agent name: 'Azure Pipelines 3'", "##[section]Finishing: Initialize job",
        "##[section]Starting: Checkout acme/shop@refs/pull/7/merge to s",
        "##[command]git -c http.extraheader=\"AUTHORIZATION: basic ***\" fetch --force --tags --prune origin",
        "##[section]Finishing: Checkout acme/shop@refs/pull/7/merge to s",
        "##[section]Starting: Run tests",
        "==============================================================================",
        "Task         : Bash", "Version      : 3.227.0", "Author       : Microsoft Corporation",
        "==============================================================================",
        "Generating script.", "Script contents:", script,
        "========================== Starting Command Output ===========================",
        "/usr/bin/bash --noprofile --norc /home/vsts/work/_temp/0f3c9d5e-2a2b-4d8e-9a51-2f6c1c8d7e11.sh",
        *output.rstrip("\n").split("\n"),
        f"##[error]Bash exited with code '{code}'.",
        "##[section]Finishing: Run tests",
        "##[section]Starting: Finalize Job", "Cleaning up task key", "##[section]Finishing: Finalize Job",
    ]
    log = tmp_path / "azure.log"
    log.write_text("".join(ts + ln + "\n" for ln in lines))
    return log


def test_azure_pipelines_task_command_and_failure(tmp_path: Path) -> None:
    import subprocess
    import sys

    from devops_agent.diagnose import diagnose_path

    (tmp_path / "test_shop.py").write_text("def test_total():\n    assert sum([1, 2]) == 4\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_shop.py"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1
    log = _azure_log(tmp_path, "python -m pytest -q", run.stdout, 1)
    (src,) = open_sources(str(log))
    sc = scan(src, matcher())
    assert sc.dialect == "azure"
    step = sc.steps[_failing_step(sc)]
    assert (step.name, step.command, step.exit_code) == ("Run tests", "python -m pytest -q", 1)
    diag = diagnose_path(str(log))
    assert diag.status == "failed" and diag.findings[0].rule == "PY-TEST-001"
    # the task's "Bash exited with code '1'." is a wrapper, not a finding of its own
    assert all("exited with code" not in e.text for f in diag.findings for e in f.evidence)


def test_gitlab_job_failed_lines_that_say_why_are_evidence_not_wrappers(tmp_path: Path) -> None:
    """GitLab Runner's verdicts: 'exit code N' is a wrapper; a system failure, a time limit or an
    image that could not be pulled is the finding itself (runner messages as GitLab Runner 17 prints them)."""
    from devops_agent.diagnose import diagnose_path

    cases = {
        'ERROR: Job failed (system failure): pod "runner-abc" status is "Failed"': "INF-RUN-001",
        "ERROR: Job failed: execution took longer than 1h0m0s seconds": "INF-TIME-001",
        'ERROR: Job failed: failed to pull image "python:3.99" with specified policies [always]: Error response from '
        "daemon: manifest for python:3.99 not found: manifest unknown: manifest unknown (manager.go:237:0s)": "DKR-PULL-001",
    }
    for verdict, rule in cases.items():
        log = tmp_path / "gitlab.log"
        log.write_text(f"Running with gitlab-runner 17.0.0 (44feccdf)\n$ make test\nok\n{verdict}\n")
        diag = diagnose_path(str(log))
        assert diag.status == "failed" and diag.findings[0].rule == rule, verdict
    log.write_text("Running with gitlab-runner 17.0.0 (44feccdf)\n$ make test\nok\nERROR: Job failed: exit code 1\n")
    assert all("Job failed" not in e.text for f in diagnose_path(str(log)).findings for e in f.evidence)


def test_no_verdict_is_unknown_except_on_github(tmp_path: Path) -> None:
    from devops_agent.diagnose import diagnose_path

    log = tmp_path / "travis.log"
    log.write_text("travis_fold:start:worker_info\nWorker information\n$ make test\nrunning\n")
    assert diagnose_path(str(log)).status == "unknown"  # cut short: Travis says "Done. Your build exited with 0."
    log.write_text("travis_fold:start:worker_info\nWorker information\n$ make test\nok\nThe command \"make test\" exited with 0.\n"
                   "\nDone. Your build exited with 0.\n")
    assert diagnose_path(str(log)).status == "passed"


def test_time_limits_and_lost_agents_of_other_ci_systems(tmp_path: Path) -> None:
    """The CI systems' own messages (they cannot run here), after a command that was still running."""
    from devops_agent.diagnose import diagnose_path

    cases = {
        "The job exceeded the maximum time limit for jobs, and has been terminated.": "INF-TIME-001",  # Travis
        "No output has been received in the last 10m0s, this potentially indicates a stalled build or something "
        "wrong with the build itself.": "INF-TIME-001",  # Travis
        "Too long with no output (exceeded 10m0s): context deadline exceeded": "INF-TIME-001",  # CircleCI
        "Agent went offline during the build": "INF-RUN-001",  # Jenkins
    }
    for line, rule in cases.items():
        log = tmp_path / "ci.log"
        log.write_text(f"$ ./run-integration-tests.sh\nstarting 42 suites\n{line}\n")
        diag = diagnose_path(str(log))
        assert diag.findings and diag.findings[0].rule == rule, line
