"""Ruby and PHP signatures on the tools' real output, produced here when the tools are installed
(Debian: ruby ruby-rspec rubocop php-cli phpunit composer); the catalogue's fixtures hold captures."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devops_agent.diagnose import diagnose_path
from devops_agent.signatures.php import RULES as PHP_RULES
from devops_agent.signatures.ruby import RULES as RUBY_RULES
from rule_support import rule_matches

BY_CODE = {r.code: r for r in (*RUBY_RULES, *PHP_RULES)}
needs = {t: pytest.mark.skipif(shutil.which(t) is None, reason=f"{t} not installed")
         for t in ("ruby", "rspec", "rubocop", "php", "phpunit")}

CART_RB = "class Cart\n  def initialize\n    @items = []\n  end\n\n  def add(price)\n    @items << price\n  end\n\n" \
          "  def total\n    @items.sum * 1.1\n  end\nend\n"


def run(cmd: list[str], cwd: Path) -> tuple[str, int]:
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    return p.stdout, p.returncode


def diagnose_text(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    log = tmp_path / "job.log"
    log.write_text(text)
    return diagnose_path(str(log))


@needs["rspec"]
def test_rspec_failures_name_example_expectation_and_spec_line(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "spec").mkdir()
    (tmp_path / "lib" / "cart.rb").write_text(CART_RB)
    (tmp_path / "spec" / "cart_spec.rb").write_text(
        'require_relative "../lib/cart"\n\nRSpec.describe Cart do\n  it "sums the prices" do\n    cart = Cart.new\n'
        '    cart.add(10)\n    expect(cart.total).to eq(10)\n  end\n\n  it "raises on nil" do\n    expect(nil.total).to eq(0)\n'
        "  end\nend\n")
    out, code = run(["rspec"], tmp_path)
    assert code == 1
    found = rule_matches(BY_CODE["RB-TEST-001"], out)
    assert [(e.file, e.line, e.data["test"]) for _, e in found] == [
        ("./spec/cart_spec.rb", 7, "Cart sums the prices"), ("./spec/cart_spec.rb", 11, "Cart raises on nil")]
    assert "expected: 10" in found[0][1].data["message"]
    assert diagnose_text(tmp_path, out).findings[0].rule == "RB-TEST-001"


@needs["rspec"]
def test_rspec_load_errors(tmp_path: Path) -> None:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "a_spec.rb").write_text('require "no_such_gem_here"\n')
    out, _ = run(["rspec"], tmp_path)
    assert diagnose_text(tmp_path, out).findings[0].rule == "RB-DEP-002"  # the missing library says more
    (tmp_path / "spec" / "a_spec.rb").write_text("RSpec.describe Invoice do\nend\n")
    out, _ = run(["rspec"], tmp_path)
    top = diagnose_text(tmp_path, out).findings[0]
    assert top.rule == "RB-TEST-002" and top.data["exc"] == "NameError" and (top.file, top.line) == ("spec/a_spec.rb", 1)


@needs["ruby"]
def test_minitest_exceptions_and_syntax_errors(tmp_path: Path) -> None:
    (tmp_path / "cart.rb").write_text(CART_RB)
    (tmp_path / "cart_test.rb").write_text(
        'require "minitest/autorun"\nrequire_relative "cart"\n\nclass CartTest < Minitest::Test\n  def test_total\n'
        "    cart = Cart.new\n    cart.add(10)\n    assert_equal 10, cart.total\n  end\n\n  def test_nil\n    nil.total\n  end\nend\n")
    out, code = run(["ruby", "cart_test.rb"], tmp_path)
    assert code == 1
    found = {e.data["test"]: e for _, e in rule_matches(BY_CODE["RB-TEST-003"], out)}
    assert found["CartTest#test_total"].data["kind"] == "failure"
    assert (found["CartTest#test_total"].file, found["CartTest#test_total"].line) == ("cart_test.rb", 8)
    assert found["CartTest#test_nil"].data["kind"] == "error" and found["CartTest#test_nil"].line == 12
    (tmp_path / "run.rb").write_text('require_relative "cart"\nputs Cart.new.totl\n')
    out, _ = run(["ruby", "run.rb"], tmp_path)
    ((_, ext),) = rule_matches(BY_CODE["RB-RUN-001"], out)
    assert (ext.file, ext.line, ext.data["exc"]) == ("run.rb", 2, "NoMethodError")
    (tmp_path / "bad.rb").write_text("def x\n  [1, 2\nend\n")
    out, _ = run(["ruby", "bad.rb"], tmp_path)
    ((_, ext),) = rule_matches(BY_CODE["RB-SYN-001"], out)[:1]
    assert ext.file == "bad.rb"


@needs["rubocop"]
def test_rubocop_offenses(tmp_path: Path) -> None:
    (tmp_path / "a.rb").write_text("def Foo( x )\n  eval(x)\nend\n")
    out, code = run(["rubocop", "a.rb"], tmp_path)
    assert code == 1
    found = rule_matches(BY_CODE["RB-LINT-001"], out)
    cops = {e.data["cop"] for _, e in found}
    assert "Security/Eval" in cops and all(e.file == "a.rb" for _, e in found)
    assert diagnose_text(tmp_path, out).findings[0].rule == "RB-LINT-001"


@needs["phpunit"]
def test_phpunit_failures_and_errors(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "CartTest.php").write_text(
        "<?php\nuse PHPUnit\\Framework\\TestCase;\n\nfinal class CartTest extends TestCase\n{\n"
        "    public function testTotal(): void\n    {\n        $this->assertSame(15, 10 + 6);\n    }\n\n"
        "    public function testMissing(): void\n    {\n        undefined_helper();\n    }\n}\n")
    out, code = run(["phpunit", "tests"], tmp_path)
    assert code == 2
    found = {e.data["test"]: e for _, e in rule_matches(BY_CODE["PHP-TEST-001"], out)}
    assert found["CartTest::testTotal"].data["kind"] == "failure" and found["CartTest::testTotal"].line == 8
    assert found["CartTest::testMissing"].data["kind"] == "error"
    assert "undefined_helper" in found["CartTest::testMissing"].data["message"]


@needs["php"]
def test_php_fatal_and_parse_errors(tmp_path: Path) -> None:
    (tmp_path / "run.php").write_text("<?php\n$x = null;\necho strlen(missing_fn());\n")
    out, code = run(["php", "run.php"], tmp_path)
    assert code == 255
    ((_, ext),) = rule_matches(BY_CODE["PHP-RUN-001"], out)
    assert ext.line == 3 and ext.file.endswith("run.php") and "missing_fn" in ext.data["message"]
    (tmp_path / "bad.php").write_text("<?php\nif (true {\n}\n")
    out, _ = run(["php", "-l", "bad.php"], tmp_path)
    ((_, ext),) = rule_matches(BY_CODE["PHP-SYN-001"], out)
    assert (ext.file, ext.line) == ("bad.php", 3)  # PHP reports the line of the unexpected "}"


@pytest.mark.parametrize("line", [
    "tests/test_api.py::test_list_users PASSED",
    "1) the first step",
    "Failure/Error: is a phrase",  # no example header before it
    "Your requirements are fine.",
    "lib/cart.rb:3: warning: method redefined",
])
def test_ordinary_lines_do_not_match(line: str) -> None:
    for rule in BY_CODE.values():
        assert rule_matches(rule, line) == [], (rule.code, line)
