"""The JVM signatures on real tool output: javac/Maven/Surefire/kotlinc captured here (OpenJDK 17, Maven 3.8.7,
kotlinc 1.3; temporary paths rewritten to CI-like ones), older Maven and Gradle output as slices of the public
CiDiff logs under /work/shared/datasets."""

from __future__ import annotations

import glob

import pytest

from devops_agent.signatures.base import Extract
from devops_agent.signatures.jvm import RULES
from rule_support import rule_matches

BY_CODE = {r.code: r for r in RULES}
DATASETS = "/work/shared/datasets"
needs_datasets = pytest.mark.skipif(not glob.glob(f"{DATASETS}/cidiff/logs/*.log"), reason="datasets not present")


def dataset_lines(name: str, first: int, last: int) -> str:
    """Lines first..last (1-based, split at \\n only, as the datasets number them) of a public log."""
    set_ = name.split("-", 1)[0]
    with open(f"{DATASETS}/{set_}/logs/{name}.log", encoding="utf-8", newline="") as fh:
        return "\n".join(fh.read().split("\n")[first - 1 : last])


def matches(code: str, text: str) -> list[tuple[int, Extract]]:
    return rule_matches(BY_CODE[code], text)


def test_plain_javac_error_with_source_and_caret() -> None:
    text = (
        "src/main/java/com/acme/invoicer/Totals.java:11: error: incompatible types: String cannot be converted to int\n"
        "            int qty = item.getQuantity();\n"
        "                                      ^\n"
        "1 error"
    )
    ((n, ext),) = matches("JVM-JAVAC-001", text)
    assert (n, ext.file, ext.line, ext.evidence) == (1, "src/main/java/com/acme/invoicer/Totals.java", 11, (2, 3))


@needs_datasets
def test_maven_compiler_forms_and_symbol() -> None:
    text = dataset_lines("cidiff-breakages_astor_1260", 344, 352)  # [ERROR] COMPILATION ERROR : + two errors
    got = matches("JVM-JAVAC-001", text)
    assert [(n, e.line) for n, e in got] == [(3, 71), (6, 264)]
    assert got[0][1].data == {"symbol": "getExecutedTests"} and got[0][1].evidence == (4, 5)
    bare = dataset_lines("cidiff-breakages_guava_1947", 1064, 1064)  # no [ERROR] prefix, but `error:`
    ((_, ext),) = matches("JVM-JAVAC-001", bare)
    assert ext.line == 161 and ext.file.endswith("ImmutableMap.java")
    warning = dataset_lines("cidiff-breakages_google_auto_693", 1308, 1308)  # [WARNING] ...java:[86,32]
    assert not matches("JVM-JAVAC-001", warning)


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


@needs_datasets
def test_surefire_2_form() -> None:
    text = "\n".join(  # cidiff-breakages_commonslang_2089.log lines 690-705 (surefire 3.0.0-M6 on JDK 11)
        open("/work/shared/datasets/cidiff/logs/cidiff-breakages_commonslang_2089.log", encoding="utf-8", newline="").read().split("\n")[689:705]
    )
    ((n, ext),) = matches("JVM-TEST-001", text)  # the class line (1) defers to the test line (2)
    assert (n, ext.primary) == (2, 3)
    assert ext.data["test"] == "org.apache.commons.lang3.time.DurationUtilsTest.testOfConsumer"
    assert (ext.file, ext.line) == ("org/apache/commons/lang3/time/DurationUtilsTest.java", 84)


@needs_datasets
def test_gradle_test_and_what_went_wrong_with_interleaved_lines() -> None:
    text = dataset_lines("cidiff-breakages_cidiff_11", 242, 244)  # Gradle interleaves "FAILURE: Build failed"
    ((_, t),) = matches("JVM-TEST-002", text)
    assert (t.primary, t.file, t.line) == (3, "LogDifferTest.java", 61)
    text = dataset_lines("cidiff-breakages_cidiff_75", 541, 548)  # "> Task ... FAILED" inside the block
    ((_, g),) = matches("JVM-GRADLE-001", text)
    assert g.primary == 3 and g.data["task"] == ":cidiff:checkstyleMain"
    assert g.data["detail"].startswith("Unable to create Root Module")


@needs_datasets
def test_dependency_resolution_and_network_failures() -> None:
    missing = (  # Maven 3.8.7 here: billing-client:2.4.1 missing from an empty file:// mirror
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
    # mimecraft: the snapshot repository answered 503 (an infrastructure failure), retried as [WARNING]s first
    assert not matches("JVM-DEP-001", dataset_lines("cidiff-breakages_mimecraft_2316", 130, 200))


def test_kotlinc_errors_not_warnings() -> None:  # kotlinc 1.3.31 (Debian) on JDK 17
    text = (
        "src/main/kotlin/Cart.kt:11:22: error: unresolved reference: discount\n"
        "        return sum + discount()\n"
        "                     ^\n"
        "src/main/kotlin/W.kt:1:23: warning: parameter 'currency' is never used\n"
    )
    ((n, ext),) = matches("JVM-KT-001", text)
    assert (n, ext.file, ext.line, ext.evidence) == (1, "src/main/kotlin/Cart.kt", 11, (3,))


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


@needs_datasets
def test_gradle_full_exception_format_frames() -> None:
    text = "\n".join(  # cidiff-breakages_cidiff_57.log lines 514-522 (Gradle exceptionFormat full, JDK 11 frames)
        open("/work/shared/datasets/cidiff/logs/cidiff-breakages_cidiff_57.log", encoding="utf-8", newline="").read().split("\n")[513:530]
    )
    ((_, ext),) = matches("JVM-TEST-002", text)
    assert ext.primary == 2 and ext.data["test"] == "ConsoleClientTest.testClassicParsing()"
    assert (ext.file, ext.line) == ("org/github/gumtreediff/cidiff/LogParser.java", 39)  # where it threw


@needs_datasets
def test_maven_failure_followed_by_more_maven_output_is_not_the_builds_end() -> None:
    # dspot's tests fork Maven: a nested run fails (pitest) and the outer build goes on
    nested = dataset_lines("cidiff-breakages_dspot_842", 5555, 5580)
    assert not matches("JVM-MVN-001", nested)
    final = dataset_lines("cidiff-breakages_dspot_842", 10590, 10612)
    ((_, ext),) = matches("JVM-MVN-001", final)
    assert ext.data["plugin"] == "maven-compiler-plugin"


def test_gradle_and_maven_failures_take_their_category_from_the_task() -> None:
    from devops_agent.signatures.jvm.build import _task_category

    assert _task_category(":platform-base:projectHealth") == "lint"
    assert _task_category(":app:ktlintCheck") == "lint"
    assert _task_category(":app:spotlessCheck") == "format"
    assert _task_category(":core:integrationTest") == "test"
    assert _task_category(":app:compileKotlin") == "compilation"
    assert _task_category("maven-checkstyle-plugin") == "lint"
    assert _task_category("maven-surefire-plugin") == "test"
    assert _task_category(":app:processResources") is None  # nothing to say: the rule's own category
