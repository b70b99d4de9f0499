"""lintrunner's report format, on its real output (captured with lintrunner 0.13.1, see the .cmd files)."""

from __future__ import annotations

from pathlib import Path

from devops_agent.diagnose import diagnose_path
from devops_agent.signatures.lintrunner import RULES
from rule_support import rule_matches

BY_CODE = {r.code: r for r in RULES}
DATA = Path(__file__).parent / "data" / "lintrunner"
FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def test_each_lint_block_names_file_line_and_linter() -> None:
    text = (FIXTURES / "LR-LINT-001.log").read_text()
    found = rule_matches(BY_CODE["LR-LINT-001"], text)
    assert len(found) == 1  # one block per file; its first message describes it
    ext = found[0][1]
    assert (ext.file, ext.line) == ("pkg/app.py", 1)
    assert ext.data == {"linter": "RUFF", "name": "F401", "severity": "error"}
    assert ext.confidence is None


def test_a_warning_block_is_a_weaker_match_but_still_the_failure() -> None:
    text = (DATA / "warning_patch.out").read_text()
    ((_, ext),) = rule_matches(BY_CODE["LR-LINT-001"], text)
    assert ext.data["severity"] == "warning" and ext.confidence == 0.7
    assert ext.file == "pkg/app.py"


def test_error_blocks_lead_over_warning_blocks(tmp_path: Path) -> None:
    warning = (DATA / "warning_patch.out").read_text()
    error = (FIXTURES / "LR-LINT-001.log").read_text()
    error_only = "\n".join(ln.split("Z ", 1)[1] for ln in error.splitlines() if "Z " in ln and "##[" not in ln)
    log = tmp_path / "lint.log"
    log.write_text(f"$ lintrunner --take PYFMT\n{warning}\n$ lintrunner --take RUFF\n{error_only}\n")
    diag = diagnose_path(str(log))
    top = diag.findings[0]
    assert top.rule == "LR-LINT-001" and top.data["severity"] == "error"


def test_crashed_linter_cites_its_stderr_not_the_boilerplate() -> None:
    text = (FIXTURES / "LR-LINT-002.log").read_text()
    ((n, ext),) = rule_matches(BY_CODE["LR-LINT-002"], text)
    assert ext.data == {"linter": "CLANGTIDY", "reason": "clang-tidy: error: unable to find compile_commands.json in build/"}
    lines = text.split("\n")
    assert lines[ext.evidence[0] - 1].endswith("clang-tidy: error: unable to find compile_commands.json in build/")


def test_other_lines_with_arrows_are_not_lintrunner() -> None:
    assert rule_matches(BY_CODE["LR-LINT-001"], ">>> Lint for everything:\nrunning\n") == []
    assert rule_matches(BY_CODE["LR-LINT-002"], "Error: Linter failed to start") == []
