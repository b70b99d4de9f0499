"""JVM compilers and source checks: javac, kotlinc, checkstyle, spotless/spring-javaformat."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.jvm.common import (
    ECO,
    rule_doc,
)

# --- javac ---------------------------------------------------------------------------------------
_JAVAC = rx(
    r"^(?P<mvn>\[ERROR\] )?(?P<file>(?:[A-Za-z]:)?[^\s\[:][^\n:\[]{0,400}?\.java)"
    r":(?:\[(?P<line>\d+),(?P<col>\d+)\]|(?P<lineb>\d+):) (?P<err>error: )?(?P<message>\S[^\n]{0,500})"
)
_CHECKSTYLE_MSG = re.compile(r"^\(\w+\) \w+: ")
_JAVAC_DETAIL = re.compile(r"^\s+(?:symbol|location|required|found|reason|bad class file|class file|Please remove)\b|^\s+\S.*\bdeclared in\b")


def _javac_extract(m: re.Match[str], win: Window) -> Extract | None:
    if not m["mvn"] and not m["err"]:
        return None  # a plain `File.java:12:` line is javac's only when it says `error:`
    if _CHECKSTYLE_MSG.match(m["message"]):
        return None  # maven-checkstyle-plugin's `[ERROR] File.java:[l,c] (group) Check: msg`
    evidence: list[int] = []
    data: dict[str, object] = {}
    for n, text in win.after(6):
        if _JAVAC.match(text) or text.startswith("[INFO]") or text.startswith("[ERROR] ") and "Failed" in text:
            break
        if _JAVAC_DETAIL.match(text) or (not m["mvn"] and text.startswith(" ")):
            evidence.append(n)
            sym = re.match(r"^\s+symbol:\s+(?:\w+ )?(?P<s>[^\n(]{1,200})", text)
            if sym:
                data["symbol"] = sym["s"].strip()
    line = int(m["line"] or m["lineb"])
    return Extract(file=m["file"], line=line, evidence=tuple(evidence[:4]), data=data)

# --- kotlinc -------------------------------------------------------------------------------------
_KOTLINC = rx(
    r"^(?P<pre>\[ERROR\] |e: )?(?P<file>(?:file://)?[^\s:\[][^\n:]{0,400}?\.kts?)"
    r"(?::? ?\((?P<line>\d+), ?(?P<col>\d+)\):?|:(?P<lineb>\d+):(?P<colb>\d+):?) (?P<err>error: )?(?P<message>\S[^\n]{0,500})"
)


def _kotlinc_extract(m: re.Match[str], win: Window) -> Extract | None:
    if not m["pre"] and not m["err"]:
        return None  # kotlinc's own CLI says `error:`; Gradle and Maven prefix `e: ` / `[ERROR] `
    evidence = [n for n, text in win.after(2) if text.strip() == "^" or text.rstrip().endswith("^")][:1]
    return Extract(file=m["file"], line=int(m["line"] or m["lineb"]), evidence=tuple(evidence))

# --- checkstyle ----------------------------------------------------------------------------------
_CHECKSTYLE = rx(
    r"^(?:\[ant:checkstyle\] )?\[(?:ERROR|WARN)\] (?P<f1>\S[^\n]{0,400}?\.(?:java|kt|groovy)):(?P<l1>\d+):(?:(?P<c1>\d+):)? "
    r"(?P<m1>[^\n]{1,400}?) \[(?P<k1>\w+)\]\s*$"
    r"|^\[(?:ERROR|WARN(?:ING)?)\] (?P<f2>\S[^\n]{0,400}?\.java):\[(?P<l2>\d+)(?:,(?P<c2>\d+))?\] \((?P<g2>\w+)\) (?P<k2>\w+): (?P<m2>[^\n]{1,400})"
    r"|^\[ERROR\] Failed to execute goal [^\n]{0,300}?You have (?P<count>\d+) Checkstyle violations?"
    r"|^\s*> Checkstyle rule violations were found"
)
_CHECKSTYLE_FAILED = re.compile(r"Checkstyle (?:rule )?violations?|There (?:is|are) \d+ errors? reported by Checkstyle")


def _checkstyle_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["f1"]:
        if "[WARN]" in m.string[:30] and not _checkstyle_failed_near(win):
            return None  # warnings fail the build only when the plugin says so
        data = {"check": m["k1"], "message": m["m1"]}
        return Extract(file=m["f1"], line=int(m["l1"]), data=data)
    if m["f2"]:
        if not m.string.startswith("[ERROR]") and not _checkstyle_failed_near(win):
            return None  # warnings fail the build only when the plugin says so
        return Extract(file=m["f2"], line=int(m["l2"]), data={"check": m["k2"], "message": m["m2"]})
    return Extract()


def _checkstyle_failed_near(win: Window) -> bool:
    for _, text in win.after(400):
        if _CHECKSTYLE_FAILED.search(text):
            return True
    return False

# --- formatter checks (spotless, spring-javaformat) ---------------------------------------------
_FORMAT = rx(r"(?:The following files had format violations|Formatting violations found in the following files)")
_FORMAT_FILE = re.compile(r"^\s+(?:\* )?(?P<f>[^\s@*][^\s]{0,400}\.(?:java|kt|kts|groovy|scala|xml|gradle))\s*$")


def _format_extract(m: re.Match[str], win: Window) -> Extract | None:
    files: list[tuple[int, str]] = []
    for n, text in win.after(200):
        f = _FORMAT_FILE.match(text)
        if f:
            files.append((n, f["f"]))
        elif text.startswith(("* Try:", "BUILD", "[ERROR] -> ", "[INFO]")):
            break
    names = list(dict.fromkeys(f for _, f in files))
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    title = f"Formatter check failed: {shown}" if names else None
    return Extract(file=names[0] if names else None, evidence=tuple(n for n, _ in files[:3]),
                   data={"files": names}, title=title)


RULES = [
    Rule(
        code="JVM-JAVAC-001",
        name="javac-error",
        category="compilation",
        severity="high",
        pattern=_JAVAC,
        literal=".java:",
        extract=_javac_extract,
        priority=86,
        confidence=0.9,
        ecosystem=ECO,
        fix="display-only",
        title="javac: {message}",
        root_cause="The Java compiler rejected {file}: {message}",
        suggestion="Fix the code at {file}:{line} (the caret line in the log points at the expression), then rebuild.",
        doc=rule_doc(
            "javac reported a compile error. Plain javac prints `File.java:LINE: error: MESSAGE` followed by the "
            "source line and a caret; Maven's compiler plugin prints `[ERROR] /abs/File.java:[LINE,COL] MESSAGE`.",
            "The code does not type-check or resolve: a changed method signature, a missing import or symbol, "
            "a dependency compiled for a newer Java (`class file has wrong version`).",
            "[ERROR] /home/runner/work/shop/shop/src/main/java/com/acme/shop/Cart.java:[16,25] incompatible types: "
            "java.lang.String cannot be converted to int",
            "Open the file at the line and column given, correct the types or the missing symbol, and run the "
            "build again. Cascading errors usually disappear with the first one.",
        ),
    ),
    Rule(
        code="JVM-KT-001",
        name="kotlinc-error",
        category="compilation",
        severity="high",
        pattern=_KOTLINC,
        literal=".kt",
        extract=_kotlinc_extract,
        priority=85,
        confidence=0.88,
        ecosystem=ECO,
        title="kotlinc: {message}",
        root_cause="The Kotlin compiler rejected {file}: {message}",
        suggestion="Fix the code at {file}:{line} and rebuild.",
        doc=rule_doc(
            "The Kotlin compiler reported an error: `e: File.kt: (LINE, COL): MESSAGE` (older kotlinc), "
            "`e: file:///abs/File.kt:LINE:COL MESSAGE` (Kotlin 1.8+, Gradle) or `[ERROR] File.kt: (LINE, COL) MESSAGE` "
            "(kotlin-maven-plugin).",
            "The Kotlin code does not compile: an unresolved reference, a type mismatch, a changed API.",
            "e: /home/runner/work/shop/shop/src/main/kotlin/Cart.kt: (7, 16): Type mismatch: inferred type is String but Int was expected",
            "Fix the reported expression at the given line and column, then rebuild.",
        ),
    ),
    Rule(
        code="JVM-FMT-001",
        name="jvm-format-check",
        category="format",
        severity="low",
        pattern=_FORMAT,
        literal="violations",
        extract=_format_extract,
        priority=74,
        confidence=0.85,
        ecosystem=ECO,
        title="Formatter check failed",
        root_cause="The build's formatter check found unformatted files (first: {file}).",
        suggestion="Run the formatter (gradle spotlessApply / mvn spotless:apply / gradle format) and commit the result.",
        doc=rule_doc(
            "A formatter check failed the build: Spotless (`The following files had format violations:` then each "
            "file and a diff) or spring-javaformat (`Formatting violations found in the following files:` then "
            "`* path` lines).",
            "Files were edited without running the project's formatter.",
            "> Formatting violations found in the following files:\n"
            "   * src/main/java/org/springframework/boot/actuate/sbom/SbomProperties.java",
            "Run the apply task the message names (spotlessApply, format) and commit the reformatted files.",
        ),
    ),
    Rule(
        code="JVM-LINT-001",
        name="checkstyle-violation",
        category="lint",
        severity="medium",
        pattern=_CHECKSTYLE,
        literal=None,
        extract=_checkstyle_extract,
        priority=76,
        confidence=0.85,
        ecosystem=ECO,
        title="Checkstyle: {check} in {file}",
        root_cause="Checkstyle reported {check} violations: {message}",
        suggestion="Fix the reported style violations (e.g. at {file}:{line}) or adjust the checkstyle configuration deliberately.",
        doc=rule_doc(
            "Checkstyle reported violations: `[ERROR] /abs/Foo.java:5:9: 'if' is not followed by whitespace. "
            "[WhitespaceAfter]` (checkstyle CLI, Gradle's `[ant:checkstyle]`) or `[ERROR] src/Foo.java:[5,9] "
            "(whitespace) WhitespaceAfter: ...` (maven-checkstyle-plugin).",
            "The build runs checkstyle with failures on violations, and the change broke a configured rule.",
            "[ERROR] /home/runner/work/shop/shop/src/main/java/com/acme/shop/Discount.java:4:38: ',' is not followed "
            "by whitespace. [WhitespaceAfter]",
            "Reformat the offending lines as the check asks (an IDE formatter with the project's style helps).",
        ),
    ),
]
