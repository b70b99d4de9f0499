"""Which line leads when the signatures alone do not decide: the fallback's choice among a failing
step's last lines, runner wrapper annotations, Python's exception chains and side-job noise.
Tool output is real (run here); runner chrome is written the way GitHub Actions writes it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from devops_agent.diagnose import diagnose_path

TS = "2026-03-02T09:14:03.1370000Z "


def gha(tmp_path: Path, command: str, output: str, tail: tuple[str, ...] = ("##[error]Process completed with exit code 1.",)) -> Path:
    lines = ["##[group]Run actions/checkout@v4", "##[endgroup]", f"##[group]Run {command}", command,
             "shell: /usr/bin/bash -e {0}", "##[endgroup]", *output.rstrip("\n").split("\n"), *tail]
    log = tmp_path / "job.log"
    log.write_text("".join(TS + ln + "\n" for ln in lines))
    return log


def checksum_failure(tmp_path: Path) -> str:
    """sha256sum -c on a tampered download: no signature claims its lines."""
    (tmp_path / "tool.tar.gz").write_bytes(b"release")
    digest = subprocess.run(["sha256sum", "tool.tar.gz"], cwd=tmp_path, capture_output=True, text=True).stdout
    (tmp_path / "SHA256SUMS").write_text(digest)
    (tmp_path / "tool.tar.gz").write_bytes(b"tampered")
    run = subprocess.run("echo 'Downloading tool 1.4.2'; echo 'Verifying checksums'; sha256sum -c SHA256SUMS; "
                         "st=$?; echo 'Cleaning temporary files'; exit $st",
                         shell=True, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert run.returncode == 1
    return run.stdout


def test_fallback_leads_with_the_line_that_says_why(tmp_path: Path) -> None:
    out = checksum_failure(tmp_path)
    diag = diagnose_path(str(gha(tmp_path, "./install-tool.sh", out)))
    (finding,) = diag.findings
    assert finding.rule == "GEN-STEP-001"
    assert finding.evidence[0].text == "tool.tar.gz: FAILED"  # not "Cleaning temporary files", printed last
    assert any("did NOT match" in e.text for e in finding.evidence)


def test_self_hosted_runner_wrappers_are_not_the_failure(tmp_path: Path) -> None:
    out = checksum_failure(tmp_path)
    tail = ("##[error][OSDC] Step script exited with code 1. This is a script/workflow error, not an infrastructure "
            "issue. Check the step logs above for the actual failure.",
            "##[error]Process completed with exit code 1.",
            "##[error]Executing the custom container implementation failed. Please contact your self hosted runner "
            "administrator.")
    diag = diagnose_path(str(gha(tmp_path, "./install-tool.sh", out, tail)))
    assert [f.rule for f in diag.findings] == ["GEN-STEP-001"]
    assert diag.findings[0].evidence[0].text == "tool.tar.gz: FAILED"
    assert not any("OSDC" in e.text or "custom container" in e.text for e in diag.findings[0].evidence)
    # an annotation that says something is still a finding
    diag = diagnose_path(str(gha(tmp_path, "./x.sh", "fetching", ("##[error]Unable to download artifact(s): "
                                                                "Artifact not found for name: wheels",))))
    assert diag.findings[0].rule == "GEN-ANNOT-001"


def test_python_exception_chain_leads_with_the_exception_that_ended_the_program(tmp_path: Path) -> None:
    script = tmp_path / "shim_check.py"
    script.write_text(
        "import subprocess\n\n"
        "def added_lines(path):\n"
        "    try:\n"
        "        return subprocess.run(['sleep', '5'], timeout=0.2)\n"
        "    except subprocess.TimeoutExpired as exc:\n"
        "        raise RuntimeError(f'Failed to get git diff information for {path}') from exc\n\n"
        "added_lines('shim.h')\n")
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True)
    assert "The above exception was the direct cause" in run.stderr
    diag = diagnose_path(str(gha(tmp_path, "python shim_check.py", run.stderr)))
    lead = diag.findings[0].evidence[0].text
    assert lead.startswith("RuntimeError: Failed to get git diff information"), diag.findings[0]


def test_upload_side_job_errors_do_not_outrank_the_script_failure(tmp_path: Path) -> None:
    # The two upload lines are quoted from pytorch's public CI logs (../shared/datasets/pytorch);
    # the traced script that fails after them runs here.
    noise = ("Failed to parse and upload json test reports: An error occurred (AccessDenied) when calling the "
             "PutObject operation: User: arn:aws:sts::123456789012:assumed-role/ci-read-only/job is not authorized "
             "to perform: s3:PutObject")
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    (tmp_path / "repo" / "left.txt").write_text("x")
    run = subprocess.run(["bash", "-xc", 'st=$(git status --porcelain); if [[ -n "$st" ]]; then '
                          'echo "Build left local git repository checkout dirty"; echo "$st"; exit 1; fi'],
                         cwd=tmp_path / "repo", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert run.returncode == 1
    diag = diagnose_path(str(gha(tmp_path, ".ci/test.sh", f"{noise}\nRan 12 test files\n{noise}\n{run.stdout}")))
    assert diag.findings[0].rule == "SH-EXIT-001"
    assert diag.findings[0].evidence[0].text == "Build left local git repository checkout dirty"
    assert any(f.rule == "INF-PERM-001" for f in diag.findings[1:])  # still reported, below


CHECKER = """\
import sys
rows = {"AlbertForMaskedLM": (0, 0), "DistillGPT2": (4, 2), "T5Small": (1, 1)}
bad = 0
for name, (actual, expected) in rows.items():
    if actual == expected:
        print(f"{name:<30} PASS")
    else:
        print(f"{name:<30} FAIL:   graph_breaks={actual}, expected={expected}")
        bad += 1
sys.exit(1 if bad else 0)
"""


def test_an_excerpt_without_step_markers_still_names_a_plain_failure(tmp_path: Path) -> None:
    (tmp_path / "check_graph_breaks.py").write_text(CHECKER)
    run = subprocess.run([sys.executable, "check_graph_breaks.py"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1
    log = tmp_path / "excerpt.log"
    log.write_text("".join(TS + ln + "\n" for ln in run.stdout.splitlines()))  # a window pasted from a GitHub log
    diag = diagnose_path(str(log))
    assert diag.status == "unknown"  # no marker says the job failed: the finding is offered, not asserted
    (finding,) = diag.findings
    assert finding.rule == "GEN-TAIL-001" and finding.confidence < 0.3
    assert finding.evidence[0].text.startswith("DistillGPT2") and "FAIL:" in finding.evidence[0].text


def test_passing_output_and_zero_counts_are_not_failures(tmp_path: Path) -> None:
    (tmp_path / "test_ok.py").write_text("def test_a():\n    assert 1\n\ndef test_b():\n    assert 2\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_ok.py"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0
    # JUnit's summary spelling of nothing failed, as Maven Surefire prints it
    text = run.stdout + "Tests run: 58, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.08 sec\n"
    log = tmp_path / "excerpt.log"
    log.write_text("".join(TS + ln + "\n" for ln in text.splitlines()))
    assert diagnose_path(str(log)).findings == ()
    # the CI said the job succeeded: nothing to cite, whatever the output says
    (tmp_path / "check_graph_breaks.py").write_text(CHECKER)
    out = subprocess.run([sys.executable, "check_graph_breaks.py"], cwd=tmp_path, capture_output=True, text=True).stdout
    jenkins = tmp_path / "jenkins.log"
    jenkins.write_text(f"Started by user admin\n+ python check_graph_breaks.py || true\n{out}Finished: SUCCESS\n")
    diag = diagnose_path(str(jenkins))
    assert diag.status == "passed" and diag.findings == ()


def test_buildkite_and_circleci_exit_lines_are_wrappers(tmp_path: Path) -> None:
    out = checksum_failure(tmp_path)
    for chrome in (["~~~ Running commands", "$ ./install-tool.sh", out, "🚨 Error: The command exited with status 1"],
                   ["#!/bin/bash -eo pipefail", "$ ./install-tool.sh", out, "Exited with code exit status 1",
                    "CircleCI received exit code 1"]):
        log = tmp_path / "ci.log"
        log.write_text("\n".join(chrome) + "\n")
        diag = diagnose_path(str(log))
        assert diag.findings[0].evidence[0].text == "tool.tar.gz: FAILED", chrome[0]


def test_unmatched_output_takes_its_category_from_the_command() -> None:
    from devops_agent.diagnose import _category_of_command
    from devops_agent.models import Step

    def kind(command: str) -> str:
        return _category_of_command(Step(name=f"Run {command}", start=1, end=2, command=command, failed=True, exit_code=1))

    assert kind("bundle exec rspec") == "test"
    assert kind("vendor/bin/phpunit --testdox") == "test"
    assert kind("dotnet test --no-build") == "test"
    assert kind("bundle exec rubocop") == "lint"
    assert kind("vendor/bin/phpstan analyse") == "type-check"
    assert kind("composer install --no-interaction") == "dependency"
    assert kind("dotnet build -c Release") == "compilation"
    assert kind("terraform fmt -check") == "format"
    assert kind("./deploy.sh production") == "unknown"
