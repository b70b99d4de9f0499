"""Ansible task failures on ansible-playbook's real output (see tests/data/ansible/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_agent.diagnose import diagnose_path
from devops_agent.signatures.ansible import RULES
from rule_support import rule_matches

DATA = Path(__file__).parent / "data" / "ansible"
FIXTURES = Path(__file__).parent / "fixtures" / "rules"
RULE = RULES[0]


def test_219_undefined_variable_names_the_innermost_origin() -> None:
    ((_, ext),) = rule_matches(RULE, (FIXTURES / "ANS-TASK-001.log").read_text())
    assert (ext.file, ext.line, ext.category) == ("/home/runner/work/infra/infra/deploy.yml", 13, "configuration")
    assert ext.data["task"] == "Run the database migrations" and ext.data["host"] == "localhost"
    assert ext.data["message"] == "Error while resolving value for '_raw_params': 'target_env' is undefined"


@pytest.mark.parametrize("name, category, message, line", [
    ("core219_command.out", "infrastructure", 'psql: error: connection to server at "db.internal"', 6),
    ("core215_command.out", "infrastructure", 'psql: error: connection to server at "db.internal"', None),
    ("core215_undefined.out", "configuration", "The task includes an option with an undefined variable", 12),
    ("core215_unreachable.out", "infrastructure", "Failed to connect to the host via ssh", None),
])
def test_results_of_both_releases(name: str, category: str, message: str, line: int | None, tmp_path: Path) -> None:
    log = tmp_path / name
    log.write_text((DATA / name).read_text())
    top = diagnose_path(str(log)).findings[0]
    assert (top.rule, top.category) == ("ANS-TASK-001", category)
    assert top.data["message"].startswith(message)
    assert top.line == line
    assert not top.fixable


def test_a_result_too_long_to_parse_still_gives_its_message() -> None:
    line = 'fatal: [web1]: FAILED! => {"changed": false, "msg": "Unsupported parameters for (ansible.builtin.copy) module: sr'
    ((_, ext),) = rule_matches(RULE, line)
    assert ext.data["message"].startswith("Unsupported parameters") and ext.category == "configuration"


@pytest.mark.parametrize("line", ["fatal: not a git repository (or any of the parent directories): .git",
                                  "failed: 3 tests", "ok: [web1]"])
def test_other_fatal_lines_are_not_ansible(line: str) -> None:
    assert rule_matches(RULE, line) == []


def test_the_error_headline_is_evidence_not_a_second_finding(tmp_path: Path) -> None:
    # 2.19 prints "[ERROR]: Task failed: ..." above the causes; GEN-ERR-001 also reads that line
    log = tmp_path / "a.log"
    log.write_text((FIXTURES / "ANS-TASK-001.log").read_text())
    diag = diagnose_path(str(log))
    assert [f.rule for f in diag.findings] == ["ANS-TASK-001"]
    assert diag.findings[0].evidence[0].text.startswith("fatal: [localhost]: FAILED!")
    assert any(e.text.startswith("[ERROR]: Task failed") for e in diag.findings[0].evidence)
