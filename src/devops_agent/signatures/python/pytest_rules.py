"""pytest failures (incl. doctests), collection errors and fixture (setup/teardown) errors.

pytest prints each failure in a section headed ``____ test_name ____`` (``Class.test_name`` for
methods, ``ERROR collecting path`` for collection errors): the source, ``E   ...`` lines with the
assertion or exception, the frames as ``path.py:NN: in func`` and a last ``path.py:NN: Error``
line; then the short summary ``FAILED path::test - Error: message`` (``FAILED [1.2s] ...`` with
per-test durations). Fixture errors are headed ``____ ERROR at setup of test_name ____``.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.python.common import ECO as _ECO
from devops_agent.signatures.python.common import (
    EXC_LINE,
    PT_FINAL,
    PT_FRAME,
    is_project,
    is_test,
    project_frame,
)
from devops_agent.signatures.python.common import doc as _doc

# a node id: `tests/test_x.py::Class::test[p]`, or a doctest/other collector's `doc/guide.rst::guide.rst`
_NODE = r"[^\s:][^\s]{0,300}?(?:\.py(?:::[^\s]{1,400})?|\.[a-z]{2,8}::[^\s]{1,400})"
_FAILED = rx(
    r"^\s{0,4}FAILED (?:\[[\d.]+m?s\] )?(?P<test>" + _NODE + r")(?: - (?P<message>[^\n]{0,1000}))?\s*$"
    r"|^(?P<ptest>[^\s:][^\s]{0,300}?\.py::[^\s]{1,400}) FAILED\b"
)
_HEADER = re.compile(r"^_{2,} (?P<name>\S[^\n]{0,400}?) _{2,}\s*$")
_SECTION_END = re.compile(r"^(?:={5,}|-{5,} (?:Captured|generated)|_{2,} \S)")
_E_LINE = re.compile(r"^E {1,12}(?P<text>\S[^\n]*)$")
_COLLECT = rx(r"^_{2,} ERROR collecting (?P<path>\S{1,400}) _{2,}\s*$")
_SETUP = rx(r"^_{2,} ERROR at (?P<phase>setup|teardown) of (?P<name>\S[^\n]{0,400}?) _{2,}\s*$")


def _header_name(test: str) -> str:
    parts = test.split("::")[1:] or [test]
    return ".".join(parts)


def _section(win: Window, name: str) -> int | None:
    """The line of the failure section headed ``____ name ____``: the last one printed (the
    FAILURES section comes after pytest-rerunfailures' RERUNS sections of the same test)."""
    found = [n for direction in (win.before, win.after) for n, text in direction(20000)
             if name in text and (h := _HEADER.match(text)) and h["name"] == name]
    return max(found) if found else None


def _read_section(win: Window, start: int) -> tuple[list[int], tuple[str, int] | None, list[tuple[str, int]]]:
    """E lines, the final ``path:NN: Error`` line and the frames of the section at ``start``."""
    e_lines: list[int] = []
    final: tuple[str, int] | None = None
    frames: list[tuple[str, int]] = []
    for n, text in win.after(3000, start + 1):
        if _SECTION_END.match(text):
            break
        if _E_LINE.match(text):
            e_lines.append(n)
            continue
        f = PT_FINAL.match(text)
        if f:
            final = (f["file"], int(f["line"]))
            frames.append(final)
            continue
        p = PT_FRAME.match(text)
        if p:
            frames.append((p["file"], int(p["line"])))
    return e_lines, final, frames


def _location(frames: list[tuple[str, int]], test_file: str | None) -> tuple[str | None, int | None]:
    project = [f for f in frames if is_project(f[0])]
    for f in reversed(project):
        if not is_test(f[0]):
            return f
    if project:
        return project[-1]
    return (test_file, None) if test_file else (None, None)


_WHERE = re.compile(r"^E\s+(?:\+\s+)?where [^\n]{0,300}? = (?:[a-z_]\w*\.)*(?P<callee>[A-Za-z_]\w{0,100})\(")


def _callee(win: Window, e_lines: list[int]) -> str | None:
    """pytest's assertion introspection: ``E  +  where 110.0 = member_price(100.0, 'gold')``."""
    for n in e_lines:
        w = _WHERE.match(win.text(n) or "")
        if w and not w["callee"].startswith(("<", "len", "isinstance", "sorted", "list", "dict", "set", "str")):
            return w["callee"]
    return None


def _lead_e_line(win: Window, e_lines: list[int]) -> int | None:
    """The most telling E line: the first assertion/exception line, else the first one."""
    for n in e_lines:
        text = (win.text(n) or "")[1:].strip()
        if text.startswith("assert ") or EXC_LINE.match(text):
            return n
    return e_lines[0] if e_lines else None


def _summary_below(win: Window, test: str) -> bool:
    for _, text in win.after(20000):
        s = _FAILED.match(text) if test in text else None
        if s and s["test"] == test:
            return True
    return False


def _failed_extract(m: re.Match[str], win: Window) -> Extract | None:
    test = m["test"] or m["ptest"]
    if m["message"] and m["message"].startswith("worker 'gw") and " crashed while" in m["message"]:
        return None  # an xdist worker crash: PY-TEST-008 / PY-CRASH-001
    if m["ptest"] and _summary_below(win, test):
        return None  # the short summary's FAILED line reports this test
    test_file = test.split("::", 1)[0]
    data: dict[str, object] = {"test": test}
    if m["message"]:
        data["message"] = m["message"].strip()[:300]
    name = _header_name(test)
    start = _section(win, name)
    if start is None and (start := _section(win, f"[doctest] {name}")) is not None:
        return _doctest(win, start, test_file, data)
    if start is None:
        return Extract(file=test_file, data=data)
    e_lines, _, frames = _read_section(win, start)
    file, line = _location(frames, test_file)
    lead = _lead_e_line(win, e_lines)
    if lead is None:
        # unittest-style traceback in the section (no E lines): the summary line names the test and
        # the exception; a progress line leads with the section's header.
        last = None
        for n, text in win.after(3000, start + 1):
            if _SECTION_END.match(text):
                break
            if EXC_LINE.match(text) and not text.startswith(" "):
                last = n
        if last is not None:
            file, line = project_frame(win, start=last)
            file = file or test_file
        found: tuple[int, ...] = (last,) if last else ()
        return Extract(file=file, line=line, primary=None if m["message"] else start, evidence=found, data=data)
    data.setdefault("message", (win.text(lead) or "").lstrip("E ").strip()[:300])
    symbol = _callee(win, e_lines)
    if symbol:
        data["symbol"] = symbol  # the code under test the assertion called (culprit search)
    more = tuple(n for n in e_lines[:4] if n != lead)
    return Extract(file=file, line=line, primary=lead, evidence=(*more, start), data=data)


def _env_rule_present() -> bool:
    from devops_agent.signatures import get_rule  # the catalogue imports this module

    return get_rule("CFG-ENV-001") is not None


_ENV_KEY = re.compile(r"^E\s+KeyError: '[A-Z][A-Z0-9_]{2,}'\s*$")


_DOCTEST_LEAD = re.compile(r"^(?:Expected:|UNEXPECTED EXCEPTION: )")
_DOCTEST_AT = re.compile(r"^(?P<file>[^\s:][^:\n]{0,400}?):(?P<line>\d+): (?:DocTestFailure|UnexpectedException)\s*$")


def _doctest(win: Window, start: int, test_file: str, data: dict[str, object]) -> Extract:
    """A doctest section: the `Expected:` (or `UNEXPECTED EXCEPTION:`) line leads; the location is the
    ``doc/guide.rst:48: DocTestFailure`` line."""
    lead = None
    file, line = test_file, None
    for n, text in win.after(3000, start + 1):
        if _SECTION_END.match(text):
            break
        if lead is None and _DOCTEST_LEAD.match(text):
            lead = n
        at = _DOCTEST_AT.match(text)
        if at:
            file, line = at["file"], int(at["line"])
    return Extract(file=file, line=line, primary=lead or start, evidence=(start,), data=data)


def _collect_extract(m: re.Match[str], win: Window) -> Extract | None:
    e_lines, _, _ = _read_section(win, win.lineno)
    if e_lines and _ENV_KEY.match(win.text(e_lines[-1]) or "") and _env_rule_present():
        if any("environ" in t for _, t in win.after(e_lines[-1] - win.lineno)):
            return None  # a missing environment variable: CFG-ENV-001 explains it
    data: dict[str, object] = {"path": m["path"]}
    lead = e_lines[-1] if e_lines else None
    for n in e_lines:
        body = (win.text(n) or "")[1:].strip()
        if EXC_LINE.match(body):
            lead = n
    if lead is None:
        return Extract(file=m["path"], data=data)
    file, line = project_frame(win, start=lead)
    data["message"] = (win.text(lead) or "")[1:].strip()[:300]
    return Extract(file=file or m["path"], line=line, primary=lead, data=data)


def _setup_extract(m: re.Match[str], win: Window) -> Extract | None:
    """``____ ERROR at setup of test_x ____``: a fixture raised; the E line leads."""
    e_lines, _, frames = _read_section(win, win.lineno)
    data: dict[str, object] = {"test": m["name"], "phase": m["phase"]}
    lead = _lead_e_line(win, e_lines)
    file, line = _location(frames, None)
    if lead is None:
        return Extract(file=file, line=line, data=data)
    data["message"] = (win.text(lead) or "")[1:].strip()[:300]
    return Extract(file=file, line=line, primary=lead, data=data)


RULES = [
    Rule(
        code="PY-TEST-001",
        name="pytest-test-failure",
        category="test",
        severity="high",
        pattern=_FAILED,
        literal="FAILED",
        extract=_failed_extract,
        priority=82,
        confidence=0.85,
        ecosystem=_ECO,
        title="Test {test} failed",
        root_cause="The test {test} failed: {message}",
        suggestion="Run `pytest {test}` locally; fix the code under test at {file}:{line} (or the expectation).",
        doc=_doc(
            "A pytest test failed: `FAILED tests/test_x.py::test_y - AssertionError: ...` in the short summary, "
            "with the failure's section (`____ test_y ____`) holding `E   ...` lines and the frames. The first "
            "`E` assertion/exception line is the evidence; the location is the deepest project frame outside "
            "the tests when the traceback goes there, else the test.",
            "The code under test no longer does what the test expects (a regression), or the test's expectation "
            "is out of date.",
            "    def test_gold_member_price():\n>       assert member_price(100.0, \"gold\") == 108.0\n"
            "E       AssertionError: assert 110.0 == 108.0\nE        +  where 110.0 = member_price(100.0, 'gold')\n\n"
            "tests/test_pricing.py:11: AssertionError",
            "Reproduce with `pytest NODE_ID`; fix the code (or update the expectation if the change was intended).",
        ),
    ),
    Rule(
        code="PY-TEST-002",
        name="pytest-collection-error",
        category="test",
        severity="high",
        pattern=_COLLECT,
        literal="ERROR collecting",
        extract=_collect_extract,
        priority=82,
        confidence=0.7,
        ecosystem=_ECO,
        title="pytest could not collect {path}: {message}",
        root_cause="Importing the test module {path} failed: {message}",
        suggestion="Fix the error raised while importing {path} ({file}:{line}).",
        doc=_doc(
            "pytest could not import a test module: `____ ERROR collecting tests/test_x.py ____`, the import "
            "traceback and `E   SomeError: ...`; the run stops with `Interrupted: 1 error during collection`. "
            "Specific causes (a missing module, a bad import, a syntax error) are reported by their own rules.",
            "Importing the test module (or the code it imports) raised an exception.",
            "____ ERROR collecting tests/test_client.py ____\nsrc/paygate/settings.py:7: in <module>\n"
            "    LIMIT = int(os.environ.get(\"LIMIT\", \"ten\"))\nE   ValueError: invalid literal for int() with base 10: 'ten'",
            "Fix the exception the `E` line names at the deepest project frame.",
        ),
    ),
    Rule(
        code="PY-TEST-009",
        name="pytest-fixture-error",
        category="test",
        severity="high",
        pattern=_SETUP,
        literal="ERROR at ",
        extract=_setup_extract,
        priority=80,
        confidence=0.8,
        ecosystem=_ECO,
        title="pytest fixture failed at {phase} of {test}: {message}",
        root_cause="A fixture of {test} raised during {phase}: {message} ({file}:{line}).",
        suggestion="Fix the fixture or the resource it needs (a service, a file, a setting) at {file}:{line}.",
        doc=_doc(
            "A pytest fixture raised: `____ ERROR at setup of test_x ____` (or `teardown`), the frames, `E   ...` "
            "with the exception, and `ERROR tests/x.py::test_x - Exception` in the summary; the test itself did "
            "not run.",
            "The fixture's setup failed: a missing service or file, bad configuration, or a bug in the fixture or "
            "the code it calls.",
            "_________________________ ERROR at setup of test_query _________________________\n...\n"
            "E       ValueError: users.json has no 'admin' entry\n\napp/users.py:6: ValueError",
            "Fix the exception at the deepest project frame; make the fixture's resource available in CI.",
        ),
    ),
]
