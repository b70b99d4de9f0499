"""The JVM signatures on real tool output: javac/Maven/Surefire captured here (OpenJDK 17, Maven 3.8.7),
older Maven and Gradle lines from the public CiDiff/LogDx logs under /work/shared/datasets."""

from __future__ import annotations

import glob

import pytest

from devops_agent.logs.clean import clean_line, message_of
from devops_agent.signatures.base import Extract
from devops_agent.signatures.jvm import RULES
from devops_agent.signatures.window import LineWindow

BY_CODE = {r.code: r for r in RULES}


def matches(code: str, text: str) -> list[tuple[int, Extract]]:
    rule = BY_CODE[code]
    lines = [message_of(clean_line(t)) for t in text.split("\n")]
    win = LineWindow(lines)
    out = []
    for n, line in enumerate(lines, 1):
        if rule.literal and rule.literal not in line:
            continue
        m = rule.pattern.search(line)
        if m is None:
            continue
        ext = rule.extract(m, win.at(n)) if rule.extract else Extract()
        if ext is not None:
            out.append((n, ext))
    return out


def test_plain_javac_error_with_source_and_caret() -> None:
    text = (
        "src/main/java/com/acme/invoicer/Totals.java:11: error: incompatible types: String cannot be converted to int\n"
        "            int qty = item.getQuantity();\n"
        "                                      ^\n"
        "1 error"
    )
    ((n, ext),) = matches("JVM-JAVAC-001", text)
    assert (n, ext.file, ext.line, ext.evidence) == (1, "src/main/java/com/acme/invoicer/Totals.java", 11, (2, 3))


def test_maven_compiler_forms_and_symbol() -> None:
    text = (
        "\x1b[1;31mERROR\x1b[m] COMPILATION ERROR : \n"
        "[\x1b[1;31mERROR\x1b[m] /builds/workspace/astor/src/main/java/fr/inria/astor/Flacoco.java:[71,65] cannot find symbol\n"
        "  symbol:   method getExecutedTests()\n"
        "  location: variable flacocoResult of type fr.spoonlabs.flacoco.api.result.FlacocoResult\n"
        "/builds/workspace/Guava/guava/src/com/google/common/collect/ImmutableMap.java:[161,37] error: cannot find symbol\n"
        "[WARNING] /src/main/java/a/B.java:[12,5] [deprecation] foo() in a.C has been deprecated\n"
        "[ERROR] src/main/java/a/B.java:[5,9] (whitespace) WhitespaceAround: '=' is not preceded with whitespace.\n"
    )
    got = matches("JVM-JAVAC-001", text)
    assert [(n, e.line) for n, e in got] == [(2, 71), (5, 161)]
    assert got[0][1].data == {"symbol": "getExecutedTests"} and got[0][1].evidence == (3, 4)
    # the checkstyle line of maven-checkstyle-plugin belongs to JVM-LINT-001
    ((n, ext),) = matches("JVM-LINT-001", text)
    assert (n, ext.line, ext.data["check"]) == (7, 5, "WhitespaceAround")


SUREFIRE = """\
[INFO] Running com.acme.shop.CartTest
[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.057 s <<< FAILURE! -- in com.acme.shop.CartTest
[ERROR] com.acme.shop.CartTest.totalSumsPrices -- Time elapsed: 0.006 s <<< FAILURE!
org.opentest4j.AssertionFailedError: total of two items ==> expected: <449> but was: <199>
	at org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)
	at org.junit.jupiter.api.Assertions.assertEquals(Assertions.java:563)
	at com.acme.shop.CartTest.totalSumsPrices(CartTest.java:18)
	at java.base/java.lang.reflect.Method.invoke(Method.java:569)
"""


def test_surefire_per_test_header_leads_with_the_assertion() -> None:
    ((n, ext),) = matches("JVM-TEST-001", SUREFIRE)  # the class summary line defers to the test line
    assert n == 3 and ext.primary == 4
    assert (ext.file, ext.line) == ("com/acme/shop/CartTest.java", 18)
    assert ext.data["test"] == "com.acme.shop.CartTest.totalSumsPrices"


def test_surefire_2_form() -> None:
    text = (
        "[ERROR] org.apache.commons.lang3.time.DurationUtilsTest.testOfConsumer  Time elapsed: 0.003 s  <<< FAILURE!\n"
        "org.opentest4j.AssertionFailedError: expected: <true> but was: <false>\n"
        "\tat org.apache.commons.lang3.time.DurationUtilsTest.testOfConsumer(DurationUtilsTest.java:91)\n"
        "testAdd(com.x.CalcTest)  Time elapsed: 0.01 sec  <<< ERROR!\n"
        "java.lang.NullPointerException\n"
        "\tat com.x.Calc.add(Calc.java:7)\n"
        "\tat com.x.CalcTest.testAdd(CalcTest.java:12)\n"
    )
    (a, b) = (e for _, e in matches("JVM-TEST-001", text))
    assert a.line == 91 and a.data["test"].endswith("DurationUtilsTest.testOfConsumer")
    assert b.data["test"] == "testAdd(com.x.CalcTest)" and (b.file, b.line) == ("com/x/CalcTest.java", 12)


def test_gradle_test_and_what_went_wrong_with_interleaved_lines() -> None:
    text = (
        "LogDifferTest > testGithubParsing() FAILED\n"
        "FAILURE: Build failed with an exception.\n"
        "    java.lang.IllegalArgumentException at LogDifferTest.java:61\n"
        "\n"
        "* What went wrong:\n"
        "> Task :cidiff:checkstyleMain FAILED\n"
        "Execution failed for task ':cidiff:checkstyleMain'.\n"
        "> Unable to create Root Module: config {/w/config/checkstyle/checkstyle.xml}\n"
        "5 actionable tasks: 5 executed\n"
        "\n"
        "* Try:\n"
    )
    ((_, t),) = matches("JVM-TEST-002", text)
    assert (t.primary, t.file, t.line) == (3, "LogDifferTest.java", 61)
    ((_, g),) = matches("JVM-GRADLE-001", text)
    assert g.primary == 7 and g.data["task"] == ":cidiff:checkstyleMain"
    assert g.data["detail"].startswith("Unable to create Root Module")


def test_dependency_resolution_and_network_failures() -> None:
    missing = (
        "[ERROR] Failed to execute goal on project shop: Could not resolve dependencies for project "
        "com.acme:shop:jar:1.0-SNAPSHOT: Could not find artifact com.acme.billing:billing-client:jar:2.4.1 in "
        "company-nexus (file:///srv/nexus) -> [Help 1]"
    )
    ((_, ext),) = matches("JVM-DEP-001", missing)
    assert ext.data == {"artifact": "com.acme.billing:billing-client:jar:2.4.1"}
    parent = (  # Maven 3.8.7, parent POM missing from the (empty) mirror: first run, then the cached failure
        "[FATAL] Non-resolvable parent POM for com.acme:shop:1.0-SNAPSHOT: Could not find artifact "
        "com.acme:acme-parent:pom:3.1.0 in company-nexus (file:///srv/nexus) and 'parent.relativePath' points at no local POM\n"
        "[FATAL] Non-resolvable parent POM for com.acme:shop:1.0-SNAPSHOT: com.acme:acme-parent:pom:3.1.0 was not found "
        "in file:///srv/nexus during a previous attempt. This failure was cached in the local repository"
    )
    got = matches("JVM-DEP-001", parent)  # the cached form says "was not found": left to the generic rules
    assert [(n, e.data) for n, e in got] == [(1, {"artifact": "com.acme:acme-parent:pom:3.1.0"})]
    gradle = "> Could not resolve all files for configuration ':app:compileClasspath'.\n   > Could not find com.acme:ui:2.0.\n"
    got = matches("JVM-DEP-001", gradle)
    assert got and got[0][1].data == {"artifact": "com.acme:ui:2.0"}
    unavailable = (
        "[ERROR] Plugin fr.inria.gforge.spoon:spoon-maven-plugin:3.5-SNAPSHOT or one of its dependencies could not be "
        "resolved: Failed to read artifact descriptor for x: Could not transfer artifact x from/to ow2 (https://r/): "
        "Transfer failed for https://r/x.pom 503 Service Unavailable -> [Help 1]"
    )
    assert not matches("JVM-DEP-001", unavailable)  # the registry was down: an infrastructure failure
    assert not matches("JVM-DEP-001", "[WARNING] Failed to retrieve plugin descriptor: Plugin a:b:1 or one of its dependencies could not be resolved")


def test_kotlin_forms() -> None:
    text = (
        "e: /w/src/main/kotlin/Cart.kt: (7, 16): Type mismatch: inferred type is String but Int was expected\n"
        "e: file:///w/src/main/kotlin/Cart.kt:11:22 Unresolved reference 'discount'.\n"
        "src/main/kotlin/Cart.kt:9:17: error: unresolved reference: discount\n"
        "src/main/kotlin/Cart.kt:9:17: warning: parameter 'x' is never used\n"
    )
    got = matches("JVM-KT-001", text)
    assert [(n, e.line) for n, e in got] == [(1, 7), (2, 11), (3, 9)]


@pytest.mark.skipif(not glob.glob("/work/shared/datasets/pytorch/logs/*.log"), reason="datasets not present")
def test_no_false_positives_on_other_ecosystems_logs() -> None:
    paths = sorted(glob.glob("/work/shared/datasets/pytorch/logs/*.log"))
    paths += sorted(glob.glob("/work/shared/bench/public/cases/p0*/build.log"))
    text = "\n".join(open(p, encoding="utf-8", errors="replace").read() for p in paths)
    for code in ("JVM-JAVAC-001", "JVM-KT-001", "JVM-DEP-001", "JVM-TEST-001", "JVM-TEST-002", "JVM-LINT-001", "JVM-FMT-001"):
        assert not matches(code, text), code


def test_maven_goal_message_on_following_lines() -> None:  # maven-enforcer-plugin 3.5.0, requireJavaVersion [21,)
    text = (
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-enforcer-plugin:3.5.0:enforce (enforce) on project shop: \n"
        "[ERROR] Rule 0: org.apache.maven.enforcer.rules.version.RequireJavaVersion failed with message:\n"
        "[ERROR] Detected JDK version 17.0.15 (JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64) is not in the allowed range [21,).\n"
        "[ERROR] -> [Help 1]\n"
    )
    ((n, ext),) = matches("JVM-MVN-001", text)
    assert (n, ext.primary, ext.evidence) == (1, 3, (1, 2))
    assert ext.data["plugin"] == "maven-enforcer-plugin" and "not in the allowed range [21,)" in ext.data["message"]
