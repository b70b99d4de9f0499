"""Python signatures over real tool output: fixtures captured by tests/fixtures/rules/PY-*.cmd, plus
tracebacks and ruff output produced by really running Python/ruff here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devops_agent.diagnose import diagnose_path
from devops_agent.signatures import get_rule
from devops_agent.signatures.python import RULES
from devops_agent.signatures.window import LineWindow

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
RUFF = Path(sys.executable).with_name("ruff")


def _lead(path: Path | str):
    diag = diagnose_path(str(path), max_findings=5)
    assert diag.findings, f"no finding for {path}"
    return diag.findings[0]


def _run(tmp_path: Path, *cmd: str) -> Path:
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    log = tmp_path / "out.log"
    log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return log


def _apply(code: str, lines: list[str], lineno: int):
    rule = get_rule(code)
    assert rule is not None
    m = rule.pattern.search(lines[lineno - 1])
    assert m, f"{code} does not match {lines[lineno - 1]!r}"
    return rule.extract(m, LineWindow(lines, lineno=lineno)) if rule.extract else None


def test_missing_module_names_the_importing_project_file() -> None:
    f = _lead(FIXTURES / "PY-DEP-001.log")
    assert (f.rule, f.data["module"], f.file, f.line) == ("PY-DEP-001", "marshmallow", "src/confmerge/loader.py", 5)
    assert f.evidence[0].text.startswith("E   ModuleNotFoundError")


def test_removed_stdlib_api_outranks_the_import_error() -> None:
    f = _lead(FIXTURES / "PY-RUN-002.log")
    assert f.rule == "PY-RUN-002"
    assert f.data["api"] == "collections.Mapping" and f.data["replacement"] == "collections.abc.Mapping"
    assert (f.file, f.line) == ("src/jsonpatchy/merge.py", 3)


@pytest.mark.parametrize(
    ("line", "api"),
    [
        ("AttributeError: module 'collections' has no attribute 'MutableMapping'", "collections.MutableMapping"),
        ("ModuleNotFoundError: No module named 'distutils'", "distutils"),
        ("E   ImportError: cannot import name 'getargspec' from 'inspect' (/usr/lib/python3.11/inspect.py)", "inspect.getargspec"),
        ("AttributeError: 'Thread' object has no attribute 'isAlive'", "threading.Thread.isAlive"),
    ],
)
def test_removed_stdlib_forms(line: str, api: str) -> None:
    ext = _apply("PY-RUN-002", [line], 1)
    assert ext is not None and ext.data["api"] == api
    # and the generic rules step aside for it
    for code in ("PY-DEP-001", "PY-IMP-001", "PY-RUN-001"):
        rule = get_rule(code)
        m = rule.pattern.search(line)
        if m:
            assert rule.extract(m, LineWindow([line])) is None


def test_third_party_attribute_is_not_a_removed_api() -> None:
    assert _apply("PY-RUN-002", ["AttributeError: module 'numpy' has no attribute 'float'"], 1) is None
    ext = _apply("PY-RUN-001", ["AttributeError: module 'numpy' has no attribute 'float'"], 1)
    assert ext.data == {"owner": "numpy", "attr": "float"}


def test_attribute_error_suggestion_and_location() -> None:
    f = _lead(FIXTURES / "PY-RUN-001.log")
    assert f.rule == "PY-RUN-001" and f.data["suggestion"] == "parse_rows" and f.data["attr"] == "parse_row"
    assert f.file.endswith("report.py") and f.line == 5


def test_cannot_import_name() -> None:
    f = _lead(FIXTURES / "PY-IMP-001.log")
    assert (f.data["name"], f.data["module"]) == ("slugify_title", "inkwell.text")
    assert f.file.endswith("posts.py") and f.line == 5


def test_syntax_error_location_from_compileall() -> None:
    f = _lead(FIXTURES / "PY-SYN-001.log")
    assert (f.rule, f.file, f.line, f.data["message"]) == ("PY-SYN-001", "src/tallyho/ranked.py", 5, "expected ':'")


def test_javascript_syntax_error_is_not_python() -> None:
    lines = ["/work/app/src/index.js:3", "  const x = ;", "            ^", "", "SyntaxError: Unexpected token ';'"]
    assert _apply("PY-SYN-001", lines, 5) is None


def test_pip_no_matching_distribution_data() -> None:
    f = _lead(FIXTURES / "PY-DEP-002.log")
    assert f.data["package"] == "werkzeug" and f.data["requested"] == "werkzeug==9.9"
    assert f.data["versions"] == ["2.3.8", "3.0.6"]


def test_pip_conflict_names_package_constraints_and_requirements_line() -> None:
    f = _lead(FIXTURES / "PY-DEP-003.log")
    assert f.data["package"] == "werkzeug"
    assert f.data["constraints"] == ["The user requested werkzeug==2.3.8", "flask 3.0.3 depends on Werkzeug>=3.0.0"]
    assert (f.file, f.line) == ("pip3/requirements.txt", 2)


def test_pytest_failure_leads_with_the_assertion_line() -> None:
    f = _lead(FIXTURES / "PY-TEST-001.log")
    assert f.evidence[0].text.startswith("E       AssertionError: assert 110.0 == 108.0")
    assert f.data["test"] == "tests/test_pricing.py::test_gold_member_price"
    assert f.file == "tests/test_pricing.py"


def test_pytest_timeout_points_at_the_waiting_frame() -> None:
    f = _lead(FIXTURES / "PY-TEST-007.log")
    assert (f.rule, f.category, f.file, f.line, f.data["seconds"]) == ("PY-TEST-007", "timeout", "worker.py", 6, "2.0")


def test_unittest_failure() -> None:
    f = _lead(FIXTURES / "PY-TEST-003.log")
    assert f.data["test"] == "test_calc.CalcTest.test_add" and f.evidence[0].text == "AssertionError: 5 != 4"


def test_linters_data() -> None:
    ruff = _lead(FIXTURES / "PY-LINT-001.log")
    assert ruff.data["codes"] == ["F401"] and ruff.data["files"] == ["src/gridsnap/tiles.py"]
    assert (ruff.file, ruff.line) == ("src/gridsnap/tiles.py", 3)
    mypy = _lead(FIXTURES / "PY-TYPE-001.log")
    assert mypy.data["codes"] == ["return-value"] and (mypy.file, mypy.line) == ("src/gridsnap/limits.py", 9)
    bandit = _lead(FIXTURES / "PY-SEC-001.log")
    assert bandit.data["test_id"] == "B602" and (bandit.file, bandit.line) == ("src/gridsnap/remote.py", 6)
    black = _lead(FIXTURES / "PY-FMT-001.log")
    assert black.data["files"] == ["/home/runner/work/lint/src/gridsnap/export.py"]
    fmt = _lead(FIXTURES / "PY-FMT-002.log")
    assert fmt.data["files"] == ["src/gridsnap/export.py"]


@pytest.mark.skipif(not RUFF.exists(), reason="ruff not installed next to the interpreter")
def test_ruff_concise_output_is_ruff_not_flake8(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text("import os\nimport sys\n\nprint(sys.argv)\n")
    log = _run(tmp_path, str(RUFF), "check", "--no-cache", "--isolated", "--output-format=concise", "mod.py")
    f = _lead(log)
    assert f.rule == "PY-LINT-001" and f.data["codes"] == ["F401"] and (f.file, f.line) == ("mod.py", 1)


def test_chained_raise_from_reports_the_final_exception(tmp_path: Path) -> None:
    (tmp_path / "job.py").write_text(
        "def fetch():\n    raise TimeoutError('git diff timed out')\n\n\n"
        "def main():\n    try:\n        fetch()\n    except TimeoutError as exc:\n"
        "        raise RuntimeError('cannot compute the diff') from exc\n\n\nmain()\n"
    )
    f = _lead(_run(tmp_path, sys.executable, "job.py"))
    assert f.rule == "PY-RUN-003" and f.evidence[0].text == "RuntimeError: cannot compute the diff"
    assert f.file.endswith("job.py") and f.line == 9


def test_exception_during_handling_reports_the_first(tmp_path: Path) -> None:
    (tmp_path / "job.py").write_text(
        "try:\n    client = Github('x')\nexcept GithubError as exc:\n    print(exc)\n"
    )
    f = _lead(_run(tmp_path, sys.executable, "job.py"))
    assert f.rule == "PY-RUN-003" and f.evidence[0].text == "NameError: name 'Github' is not defined"
    assert f.line == 2


ORDINARY = [
    "Collecting flask==3.0.3 (from -r requirements.txt (line 1))",
    "tests/test_app.py::test_index PASSED                                     [ 50%]",
    "test result: ok. 148 passed; 0 failed; 328 ignored; 0 measured; 0 filtered out; finished in 42.16s",
    "    SyntaxError: A parameter initializer is only allowed in a function or constructor implementation. (3:17)",
    "src/main.c:3:5: error: unknown type name 'strng'",
    "Found 3 errors in 2 files (checked 10 source files)",
    "would reformat? no: All done! ✨ 🍰 ✨",
    "  test_fast (test_calc.CalcTest.test_fast) ... ok",
    "=================== 12 passed in 0.31s ===================",
    "INFO: pip is looking at multiple versions of flask to determine which version is compatible",
]


@pytest.mark.parametrize("line", ORDINARY)
def test_no_false_positive_on_ordinary_lines(line: str) -> None:
    win = LineWindow([line])
    for rule in RULES:
        m = rule.pattern.search(line)
        if m is None:
            continue
        ext = rule.extract(m, win) if rule.extract else True
        assert ext is None, f"{rule.code} fires on {line!r}"


def test_doctest_failure_leads_with_expected(tmp_path: Path) -> None:
    (tmp_path / "guide.rst").write_text("Guide\n=====\n\n    >>> 1 + 1\n    3\n")
    f = _lead(_run(tmp_path, sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--doctest-glob=*.rst", "guide.rst"))
    assert f.rule == "PY-TEST-001" and f.evidence[0].text == "Expected:"
    assert f.file.endswith("guide.rst") and f.line == 4


def test_xdist_crash_is_not_reported_as_a_plain_test_failure() -> None:
    f = _lead(FIXTURES / "PY-TEST-008.log")
    assert f.rule == "PY-TEST-008" and f.data["test"] == "test_kill.py::test_load_everything"


@pytest.mark.skipif(not RUFF.exists(), reason="ruff not installed next to the interpreter")
def test_ruff_github_annotations_without_summary(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text("import os\n")
    log = _run(tmp_path, str(RUFF), "check", "--no-cache", "--isolated", "--output-format=github", "mod.py")
    f = _lead(log)
    assert f.category == "lint" and f.data["codes"] == ["F401"] and f.data["tool"] == "ruff"
    assert (f.file, f.line) == ("mod.py", 1) and f.title.startswith("ruff: F401")


def test_uv_conflict_names_the_shared_package() -> None:
    f = _lead(FIXTURES / "PY-DEP-006.log")
    assert f.rule == "PY-DEP-006" and f.data["package"] == "werkzeug"
    assert "The user requested werkzeug==2.3.8" in f.data["constraints"]
    assert f.evidence[0].text.lstrip().startswith("cause: Because all versions of flask")


def test_pip_that_never_reached_the_index_is_infrastructure_not_a_bad_pin(tmp_path: Path) -> None:
    """Real pip against an index host that does not resolve (.invalid never does): it retries, then
    reports `(from versions: none)`, which alone would read as a pin that does not exist."""
    env = {"PIP_CONFIG_FILE": "/dev/null", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check",
                           "--index-url", "https://pypi.nonexistent.invalid/simple", "--retries", "1", "--timeout", "1",
                           "--target", str(tmp_path / "t"), "attrs==23.2.0"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1 and "(from versions: none)" in proc.stdout + proc.stderr
    log = tmp_path / "pip.log"
    log.write_text(proc.stdout + proc.stderr)
    top = diagnose_path(str(log)).findings[0]
    assert (top.rule, top.category, top.fixable) == ("PY-DEP-002", "infrastructure", False)
    assert "could not reach the package index" in top.title
    # the same message after a reachable index that simply has no such version stays a dependency failure
    log.write_text("ERROR: Could not find a version that satisfies the requirement rich==99.0 (from versions: 13.7.1)\n"
                   "ERROR: No matching distribution found for rich==99.0\n")
    top = diagnose_path(str(log)).findings[0]
    assert (top.category, top.fixable) == ("dependency", True) and "13.7.1" in top.root_cause
