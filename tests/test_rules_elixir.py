"""Elixir signatures on real Elixir 1.14 output (fixtures and tests/data/elixir/README.md)."""

from __future__ import annotations

from pathlib import Path

from devops_agent.signatures.elixir import RULES
from rule_support import rule_matches

BY_CODE = {r.code: r for r in RULES}
DATA = Path(__file__).parent / "data" / "elixir"
FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def test_exunit_failure_names_test_module_file_and_assertion() -> None:
    ((_, ext),) = rule_matches(BY_CODE["EX-TEST-001"], (FIXTURES / "EX-TEST-001.log").read_text())
    assert (ext.file, ext.line) == ("test/shopex_test.exs", 4)
    assert ext.data == {"test": "total sums the prices", "module": "ShopexTest", "message": "Assertion with == failed"}
    assert len(ext.evidence) == 5  # location, message, code, left, right


def test_errors_take_their_category_from_the_exception() -> None:
    cases = {
        (FIXTURES / "EX-ERR-001.log"): ("CompileError", "compilation", "lib/broken.ex", 2),
        (DATA / "ex_syntax.out"): ("SyntaxError", "compilation", "lib/broken2.ex", 4),
        (DATA / "ex_deps.out"): ("Mix", "dependency", None, None),
        (DATA / "ex_runtime.out"): ("ArithmeticError", None, "run.exs", 2),
    }
    for path, (exc, category, file, line) in cases.items():
        ((_, ext),) = rule_matches(BY_CODE["EX-ERR-001"], path.read_text())
        assert (ext.data["exc"], ext.category, ext.file, ext.line) == (exc, category, file, line), path.name


def test_other_double_stars_are_not_elixir() -> None:
    assert rule_matches(BY_CODE["EX-ERR-001"], "** (optional) see the docs") == []
    assert rule_matches(BY_CODE["EX-TEST-001"], "  1) test the thing (not a module)\n") == []
