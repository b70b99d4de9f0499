"""JVM test failures: Maven Surefire/Failsafe and Gradle test tasks."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.jvm.common import (
    ECO,
    EXC_LINE,
    project_frame,
    rule_doc,
    source_path,
)

# --- tests ---------------------------------------------------------------------------------------
_TEST = rx(r"<<< (?P<kind>FAILURE|ERROR)!")
_ELAPSED = re.compile(r"\s(?:--\s+)?Time elapsed: [\d.,]+ s(?:ec)?\s{1,4}$")
_GRADLE_TEST = rx(r"^(?P<gcls>[\w$.]+) > (?P<gtest>[^\n]{1,300}) FAILED\s*$")
_CLASS_RUN = re.compile(r"^(?:\[ERROR\] )?Tests run: \d+, Failures: \d+, Errors: \d+,[^\n]{0,200}? -{1,2} in (?P<cls>[\w$.]+)")


def _test_name(m: re.Match[str]) -> str:
    gd = m.groupdict()
    if gd.get("gcls"):
        return f"{gd['gcls']}.{gd['gtest']}"
    # `[ERROR] com.x.FooTest.bar -- Time elapsed: ...` / `bar(com.x.FooTest)  Time elapsed: ...`
    head = m.string[: m.start()]
    elapsed = _ELAPSED.search(head)
    if elapsed is None:
        return ""
    head = head[: elapsed.start()].strip()
    head = re.sub(r"^\[(?:ERROR|INFO|WARNING)\]\s*", "", head)
    return re.sub(r"\s*--$", "", head).strip()


def _test_class(name: str) -> str | None:
    old = re.match(r"^[\w$]+\((?P<cls>[\w$.]+)\)", name)
    if old:
        return old["cls"]
    base = re.split(r"[(\[ ]", name, maxsplit=1)[0]
    return base.rsplit(".", 1)[0] if "." in base else None


def _class_line_name(m: re.Match[str], win: Window) -> str | None:
    """`Tests run: 2, Failures: 1, ... <<< FAILURE! -- in com.x.FooTest`: the class, unless a per-test
    header follows (it says more)."""
    cls_run = _CLASS_RUN.match(m.string)
    if cls_run is None or any(t.endswith(("<<< FAILURE!", "<<< ERROR!")) for _, t in win.after(3)):
        return None
    return cls_run["cls"]


def _exception_after(win: Window, gradle: bool) -> int | None:
    """The exception/assertion line under a test header (Gradle indents it and interleaves output)."""
    for n, text in win.after(4 if gradle else 3):
        if EXC_LINE.match(text) and (not gradle or text.startswith(" ")):
            return n
        if text.strip() and not gradle:
            return None
    return None


def _test_extract(m: re.Match[str], win: Window) -> Extract | None:
    name = _test_name(m)
    gradle = "gcls" in m.groupdict()
    if name.startswith("Tests run:") and not gradle:
        name = _class_line_name(m, win) or ""
    if not name:
        return None
    data: dict[str, object] = {"test": name}
    primary = _exception_after(win, gradle)
    if primary:
        data["message"] = (win.text(primary) or "").strip()[:300]
    loc = project_frame(win, (primary or win.lineno) + 1)
    if loc is None and gradle and primary:  # Gradle: `    java.lang.X at CartTest.java:61`
        g = re.search(r" at (?P<f>[\w$]+\.(?:java|kt|groovy)):(?P<l>\d+)\s*$", win.text(primary) or "")
        if g:
            loc = (source_path(m["gcls"], g["f"]), int(g["l"]))
    file, line = loc if loc else (None, None)
    evidence = (win.lineno,) if primary else ()
    return Extract(file=file, line=line, primary=primary, evidence=evidence, data=data)


RULES = [
    Rule(
        code="JVM-TEST-001",
        name="jvm-test-failure",
        category="test",
        severity="high",
        pattern=_TEST,
        literal=None,
        extract=_test_extract,
        priority=80,
        confidence=0.85,
        ecosystem=ECO,
        title="JVM test {test} failed",
        root_cause="The test {test} failed: {message}",
        suggestion="Run the test locally (mvn -Dtest=... test) and fix the code or the expectation at {file}:{line}.",
        doc=rule_doc(
            "A JUnit/TestNG test failed under Maven Surefire/Failsafe: `[ERROR] com.x.FooTest.bar -- Time elapsed: "
            "0.01 s <<< FAILURE!` (older: `bar(com.x.FooTest)  Time elapsed: 0.01 sec  <<< FAILURE!`), then the "
            "assertion and its stack; the Results section repeats it as `[ERROR]   FooTest.bar:42 expected ...`.",
            "An assertion did not hold (a logic change) or the test threw an exception.",
            "[ERROR] com.acme.shop.CartTest.totalSumsPrices -- Time elapsed: 0.006 s <<< FAILURE!\n"
            "org.opentest4j.AssertionFailedError: total of two items ==> expected: <449> but was: <199>\n"
            "\tat com.acme.shop.CartTest.totalSumsPrices(CartTest.java:18)",
            "Read the assertion and the first project frame of the stack; fix the code under test (or the test when "
            "the expectation is outdated).",
        ),
    ),
    Rule(
        code="JVM-TEST-002",
        name="gradle-test-failure",
        category="test",
        severity="high",
        pattern=_GRADLE_TEST,
        literal=" FAILED",
        extract=_test_extract,
        priority=80,
        confidence=0.85,
        ecosystem=ECO,
        title="JVM test {test} failed",
        root_cause="The test {test} failed: {message}",
        suggestion="Run it locally (gradle test --tests '...') and fix the code or the expectation at {file}:{line}.",
        doc=rule_doc(
            "Gradle's test task reported a failed test: `FooTest > bar() FAILED` followed by the exception and "
            "`at FooTest.java:61` (or the full stack with `--stacktrace`/`exceptionFormat full`).",
            "An assertion did not hold (a logic change) or the test threw an exception.",
            "LogDifferTest > testGithubParsing() FAILED\n    java.lang.IllegalArgumentException at LogDifferTest.java:61",
            "Open the test report (build/reports/tests) or re-run the single test; fix the code under test or the "
            "outdated expectation.",
        ),
    ),
]
