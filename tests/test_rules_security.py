"""Semgrep findings on semgrep's real text output (tests/data/semgrep/README.md and the rule fixture)."""

from __future__ import annotations

from pathlib import Path

from devops_agent.signatures.security import RULES
from rule_support import rule_matches

RULE = RULES[0]
DATA = Path(__file__).parent / "data" / "semgrep"
FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def test_each_finding_names_file_line_rule_and_message() -> None:
    found = [ext for _, ext in rule_matches(RULE, (DATA / "two_findings_one_file.out").read_text())]
    assert [(e.file, e.line, e.data["check"], e.data["severity"]) for e in found] == [
        ("app/tasks.py", 5, "subprocess-shell-true", "high"), ("app/tasks.py", 10, "pickle-loads", "medium")]
    assert found[0].data["message"] == "subprocess called with shell=True; pass a list of arguments instead"
    assert all(e.data["blocking"] for e in found)


def test_findings_in_several_files_take_their_own_file_and_the_worst_leads() -> None:
    found = [ext for _, ext in rule_matches(RULE, (FIXTURES / "SEC-SG-001.log").read_text())]
    assert [(e.file, e.data["check"]) for e in found] == [
        ("app/config.py", "yaml-load"), ("app/tasks.py", "subprocess-shell-true"), ("app/tasks.py", "pickle-loads")]
    assert [e.confidence for e in found] == [0.7, None, 0.8]  # low, high, medium: the high one ranks first


def test_registry_rule_ids_keep_their_last_segment_as_the_check() -> None:
    text = ("    src/app.py\n   ❯❯❱ python.lang.security.audit.subprocess-shell-true.subprocess-shell-true\n"
            "          ❰❰ Blocking ❱❱\n          Found 'subprocess' function with 'shell=True'.\n\n"
            "           12┆ subprocess.run(cmd, shell=True)\n")
    ((_, ext),) = rule_matches(RULE, text)
    assert (ext.file, ext.line, ext.data["check"]) == ("src/app.py", 12, "subprocess-shell-true")


def test_arrows_elsewhere_are_not_semgrep() -> None:
    assert rule_matches(RULE, "   ❱ building\ndone\n") == []
