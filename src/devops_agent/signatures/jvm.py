"""JVM signatures: javac (plain and Maven's ``[ERROR] File.java:[l,c]`` form), kotlinc, Maven goals
and dependency resolution, Surefire/Gradle test failures, Gradle's "What went wrong" block and
checkstyle.

Formats learned from the tools' own output (javac's ``file:line: error: msg`` + source + caret,
maven-compiler-plugin's ``[ERROR] /abs/File.java:[line,col] msg``, Surefire's per-test
``<<< FAILURE!`` header followed by the exception and its stack, Gradle's ``Class > test FAILED`` and ``* What went wrong:``, checkstyle's ``[ERROR] file:l:c: msg
[Check]``). Extract hooks only look a few lines around the match.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx

_ECO = "jvm"

# --- shared helpers ------------------------------------------------------------------------------
_EXC_LINE = re.compile(
    r"^\s*(?:Caused by: )?(?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Failure|Failed)\b(?:: |\s*$| at )"
    r"|^\s*(?:expected|Expected)\b"
)
_FRAME = re.compile(r"^\s*at (?P<cls>[\w$.]+)\.(?P<meth>[\w$<>]+)\((?P<fname>[\w$]+\.(?:java|kt|groovy|scala)):(?P<line>\d+)\)")
_LIB_FRAME = re.compile(r"^(?:java|javax|jdk|sun|org\.junit|org\.opentest4j|org\.assertj|org\.hamcrest|junit|org\.apache\.maven|org\.gradle|kotlin|org\.mockito|org\.testng)\.")


def _source_path(cls: str, fname: str) -> str:
    """``com.acme.shop.CartTest`` + ``CartTest.java`` -> ``com/acme/shop/CartTest.java``."""
    pkg = cls.split("$", 1)[0].rsplit(".", 1)[0] if "." in cls else ""
    return f"{pkg.replace('.', '/')}/{fname}" if pkg else fname


def _project_frame(win: Window, start: int, count: int = 40, prefer: str | None = None) -> tuple[str, int] | None:
    """The first stack frame below ``start`` that is not JDK/test-framework code."""
    first: tuple[str, int] | None = None
    for _, text in win.after(count, start):
        m = _FRAME.match(text)
        if not m:
            if first is not None and not text.strip():
                break
            continue
        if _LIB_FRAME.match(m["cls"]):
            continue
        hit = (_source_path(m["cls"], m["fname"]), int(m["line"]))
        if prefer is None or m["cls"].split("$", 1)[0] == prefer:
            return hit
        first = first or hit
    return first


def _doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"


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


# --- Maven ---------------------------------------------------------------------------------------
_MVN_GOAL = rx(
    r"^\[ERROR\] Failed to execute goal (?P<goal>[\w.-]+:[\w.-]+:[\w.-]+:[\w-]+)? ?(?:\((?P<execution>[^)\n]{1,100})\) )?"
    r"on project (?P<project>[\w.-]+): (?P<message>[^\n]{1,600})"
)
_MVN_BOILERPLATE = re.compile(r"^\[ERROR\] (?:-> \[Help|To see the full|Re-run Maven|For more information|\[Help \d|After correcting|\s*mvn <args>|\s*$)")


def _mvn_goal_extract(m: re.Match[str], win: Window) -> Extract | None:
    evidence = []
    for n, text in win.after(6):
        if not text.startswith("[ERROR]") or _MVN_BOILERPLATE.match(text):
            break
        evidence.append(n)
    plugin = (m["goal"] or "").split(":")[1] if m["goal"] else None
    data = {"plugin": plugin} if plugin else {}
    return Extract(evidence=tuple(evidence[:3]), data=data)


_BUILD_FAILED = rx(r"^(?:\[INFO\] )?BUILD FAILURE\s*$|^FAILURE: Build (?:failed|completed) with|^BUILD FAILED in ")


# --- dependency resolution -----------------------------------------------------------------------
_DEP = rx(
    r"(?:Could not resolve dependencies for project (?P<project>[\w.:-]+)"
    r"|Failed to collect dependencies at (?P<at>[\w.:-]+)"
    r"|Non-resolvable (?:parent POM|import POM)"
    r"|Failure to find (?P<ftf>[\w.-]+:[\w.-]+(?::[\w.-]+){1,3}) in \S+ was cached"
    r"|Plugin (?P<plugin>[\w.:-]+) or one of its dependencies could not be resolved"
    r"|Could not resolve all (?:files|dependencies|artifacts|task dependencies) for configuration '(?P<configuration>[^'\n]{1,200})'"
    r"|^\s*> Could not (?:find|resolve) (?P<gav>[\w.-]+:[\w.-]+(?::[\w.+\-\[\](),]+)?)\.?\s*$"
    r"|Plugin \[id: '(?P<plugin_id>[^'\n]{1,200})'[^\]\n]{0,100}\] was not found)"
)
_ARTIFACT = re.compile(
    r"(?:Failure to find|Could not find artifact|artifacts could not be resolved:|Failed to read artifact descriptor for"
    r"|Could not (?:find|resolve)) (?P<a>[\w.-]+:[\w.-]+(?::[\w.-]+){1,3})|(?P<b>[\w.-]+:[\w.-]+(?::[\w.-]+){2,3}) was not found in"
)
_NETWORK = re.compile(
    r"Connection refused|[Cc]onnect(?:ion)? timed out|Read timed out|UnknownHost|Unknown host|No route to host|"
    r"Network is unreachable|Connection reset|status code: (?:5\d\d|429)|\b(?:50[0-4]|429) (?:Service Unavailable|Bad Gateway|"
    r"Gateway Time-?out|Internal Server Error|Too Many Requests)|Remote host terminated the handshake"
)


def _dep_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m.string.startswith("[WARNING]"):
        return None  # Maven retries and reports the failure that counts as [ERROR]
    lines = [m.string] + [t for _, t in win.after(4)]
    if any(_NETWORK.search(t) for t in lines[:3]):
        return None  # the repository was unreachable: an infrastructure failure, not the build's
    artifact = None
    evidence = []
    for i, text in enumerate(lines):
        a = _ARTIFACT.search(text)
        if a:
            artifact = (a["a"] or a["b"]).rstrip(".")
            if i:
                evidence.append(win.lineno + i)
            break
    artifact = artifact or (m["gav"] or "").rstrip(".") or m["plugin"] or m["plugin_id"] or m["at"]
    data = {"artifact": artifact} if artifact else {}
    return Extract(evidence=tuple(evidence), data=data)


# --- tests ---------------------------------------------------------------------------------------
_TEST = rx(r"Time elapsed: [\d.,]+ s(?:ec)?\s{1,4}<<< (?P<kind>FAILURE|ERROR)!")
_GRADLE_TEST = rx(r"^(?P<gcls>[\w$.]+) > (?P<gtest>[^\n]{1,300}) FAILED\s*$")
_CLASS_RUN = re.compile(r"^(?:\[ERROR\] )?Tests run: \d+, Failures: \d+, Errors: \d+,[^\n]{0,200}? -{1,2} in (?P<cls>[\w$.]+)")


def _test_name(m: re.Match[str]) -> str:
    gd = m.groupdict()
    if gd.get("gcls"):
        return f"{gd['gcls']}.{gd['gtest']}"
    # `[ERROR] com.x.FooTest.bar -- Time elapsed: ...` / `bar(com.x.FooTest)  Time elapsed: ...`
    head = m.string[: m.start()].strip()
    head = re.sub(r"^\[(?:ERROR|INFO|WARNING)\]\s*", "", head)
    return re.sub(r"\s*--$", "", head).strip()


def _test_class(name: str) -> str | None:
    old = re.match(r"^[\w$]+\((?P<cls>[\w$.]+)\)", name)
    if old:
        return old["cls"]
    base = re.split(r"[(\[ ]", name, maxsplit=1)[0]
    return base.rsplit(".", 1)[0] if "." in base else None


def _test_extract(m: re.Match[str], win: Window) -> Extract | None:
    name = _test_name(m)
    gradle = "gcls" in m.groupdict()
    if not name:
        return None
    cls_run = None
    if not gradle and name.startswith("Tests run:"):
        cls_run = _CLASS_RUN.match(m.string)
        if cls_run is None:
            return None
        if any(t.endswith("<<< FAILURE!") or t.endswith("<<< ERROR!") for _, t in win.after(3)):
            return None  # the per-test header below says more
        name = cls_run["cls"]
    data: dict[str, object] = {"test": name}
    cls = _test_class(name) if not cls_run else name
    primary = None
    for n, text in win.after(4 if gradle else 3):
        if _EXC_LINE.match(text) and (not gradle or text.startswith(" ")):
            primary = n
            data["message"] = text.strip()[:300]
            break
        if text.strip() and not gradle:  # Gradle interleaves other console lines
            break
    loc = _project_frame(win, (primary or win.lineno) + 1, prefer=cls)
    if loc is None and gradle and primary:  # Gradle: `    java.lang.X at CartTest.java:61`
        g = re.search(r" at (?P<f>[\w$]+\.(?:java|kt|groovy)):(?P<l>\d+)\s*$", win.text(primary) or "")
        if g:
            loc = (_source_path(m["gcls"], g["f"]), int(g["l"]))
    file, line = loc if loc else (None, None)
    evidence = (win.lineno,) if primary else ()
    return Extract(file=file, line=line, primary=primary, evidence=evidence, data=data)


# --- Gradle --------------------------------------------------------------------------------------
_GRADLE = rx(r"^\* What went wrong:\s*$")
_GRADLE_NOISE = re.compile(r"^> Task :\S+|^\d+ actionable tasks?:")  # interleaved console output
_GRADLE_TASK = re.compile(r"Execution failed for task '(?P<task>[^'\n]{1,200})'")


def _gradle_extract(m: re.Match[str], win: Window) -> Extract | None:
    body: list[tuple[int, str]] = []
    for n, text in win.after(8):
        if text.startswith("* Try:") or text.startswith("* Exception is:") or text.startswith("* Where:"):
            break
        if text.strip() and not _GRADLE_NOISE.match(text):
            body.append((n, text))
    if not body:
        return None
    data: dict[str, object] = {"message": body[0][1].strip()[:300]}
    t = _GRADLE_TASK.search(body[0][1])
    if t:
        data["task"] = t["task"]
    reasons = [n for n, text in body[1:] if text.lstrip().startswith(">")]
    detail = next((text.lstrip("> ").strip() for n, text in body[1:] if text.lstrip().startswith(">")), None)
    if detail:
        data["detail"] = detail[:300]
    evidence = [*reasons[:3], win.lineno]
    return Extract(primary=body[0][0], evidence=tuple(evidence), data=data)


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


# --- catalogue -----------------------------------------------------------------------------------
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
        ecosystem=_ECO,
        fix="display-only",
        title="javac: {message}",
        root_cause="The Java compiler rejected {file}: {message}",
        suggestion="Fix the code at {file}:{line} (the caret line in the log points at the expression), then rebuild.",
        doc=_doc(
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
        ecosystem=_ECO,
        title="kotlinc: {message}",
        root_cause="The Kotlin compiler rejected {file}: {message}",
        suggestion="Fix the code at {file}:{line} and rebuild.",
        doc=_doc(
            "The Kotlin compiler reported an error: `e: File.kt: (LINE, COL): MESSAGE` (older kotlinc), "
            "`e: file:///abs/File.kt:LINE:COL MESSAGE` (Kotlin 1.8+, Gradle) or `[ERROR] File.kt: (LINE, COL) MESSAGE` "
            "(kotlin-maven-plugin).",
            "The Kotlin code does not compile: an unresolved reference, a type mismatch, a changed API.",
            "e: /home/runner/work/shop/shop/src/main/kotlin/Cart.kt: (7, 16): Type mismatch: inferred type is String but Int was expected",
            "Fix the reported expression at the given line and column, then rebuild.",
        ),
    ),
    Rule(
        code="JVM-MVN-001",
        name="maven-goal-failed",
        category="configuration",
        severity="high",
        pattern=_MVN_GOAL,
        literal="Failed to execute goal",
        extract=_mvn_goal_extract,
        priority=42,
        confidence=0.55,
        ecosystem=_ECO,
        title="Maven goal {goal} failed on project {project}: {message}",
        root_cause="Maven stopped because {goal} failed on project {project}: {message}",
        suggestion="Read the plugin's message; when it wraps a compiler or test failure, fix those errors printed above it.",
        doc=_doc(
            "Maven's summary line `[ERROR] Failed to execute goal PLUGIN:VERSION:GOAL (EXECUTION) on project P: MESSAGE`. "
            "It wraps the real error: compiler and test failures printed above it outrank it.",
            "A plugin failed: a compiler release the JDK does not support, an enforcer rule, a packaging or deploy "
            "step, or it repeats a compile/test failure.",
            "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:compile "
            "(default-compile) on project shop: Fatal error compiling: error: release version 21 not supported -> [Help 1]",
            "Act on the message after the colon (e.g. run the build with the JDK the project targets, or lower "
            "`maven.compiler.release`); for wrapped compile/test failures fix the errors above.",
        ),
    ),
    Rule(
        code="JVM-MVN-002",
        name="jvm-build-failed-summary",
        category="unknown",
        severity="medium",
        pattern=_BUILD_FAILED,
        literal="BUILD FAIL",
        symptom=True,
        priority=15,
        confidence=0.3,
        ecosystem=_ECO,
        title="Maven/Gradle build failed",
        root_cause="The build tool reported that the build failed.",
        suggestion="Look for the first error above the summary.",
        doc=_doc(
            "Maven's `[INFO] BUILD FAILURE` or Gradle's `FAILURE: Build failed with an exception.` / `BUILD FAILED in 12s` summary.",
            "It is the build tool's closing summary; the cause is printed above it.",
            "[INFO] BUILD FAILURE",
            "Fix the first error reported above the summary.",
        ),
    ),
    Rule(
        code="JVM-DEP-001",
        name="jvm-dependency-resolution",
        category="dependency",
        severity="high",
        pattern=_DEP,
        literal="esolv",  # every form says resolve/resolved/Non-resolvable on the line
        extract=_dep_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        title="Could not resolve JVM dependency {artifact}",
        root_cause="Maven/Gradle could not resolve {artifact} from the configured repositories.",
        suggestion="Check the coordinates and version of {artifact} in pom.xml/build.gradle (a typo, a version that "
        "was never published, a missing repository or a SNAPSHOT not deployed).",
        doc=_doc(
            "Maven (`Could not resolve dependencies for project ...: Could not find artifact g:a:jar:v in repo`, "
            "`Non-resolvable parent POM`, `Plugin ... could not be resolved`) or Gradle (`Could not resolve all files "
            "for configuration ':compileClasspath'.` + `> Could not find g:a:v.`) failed to resolve a dependency.",
            "The artifact does not exist in the configured repositories at that version, the repository is not "
            "declared, or a SNAPSHOT was never deployed. Network failures while downloading are infrastructure "
            "problems and are left to the infrastructure rules.",
            "[ERROR] Failed to execute goal on project shop: Could not resolve dependencies for project "
            "com.acme:shop:jar:1.0-SNAPSHOT: Could not find artifact com.acme.billing:billing-client:jar:2.4.1 in "
            "company-nexus (file:///srv/nexus) -> [Help 1]",
            "Correct the coordinates/version, add the repository that publishes it, or publish the missing module first.",
        ),
    ),
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
        ecosystem=_ECO,
        title="JVM test {test} failed",
        root_cause="The test {test} failed: {message}",
        suggestion="Run the test locally (mvn -Dtest=... test) and fix the code or the expectation at {file}:{line}.",
        doc=_doc(
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
        ecosystem=_ECO,
        title="JVM test {test} failed",
        root_cause="The test {test} failed: {message}",
        suggestion="Run it locally (gradle test --tests '...') and fix the code or the expectation at {file}:{line}.",
        doc=_doc(
            "Gradle's test task reported a failed test: `FooTest > bar() FAILED` followed by the exception and "
            "`at FooTest.java:61` (or the full stack with `--stacktrace`/`exceptionFormat full`).",
            "An assertion did not hold (a logic change) or the test threw an exception.",
            "LogDifferTest > testGithubParsing() FAILED\n    java.lang.IllegalArgumentException at LogDifferTest.java:61",
            "Open the test report (build/reports/tests) or re-run the single test; fix the code under test or the "
            "outdated expectation.",
        ),
    ),
    Rule(
        code="JVM-GRADLE-001",
        name="gradle-what-went-wrong",
        category="configuration",
        severity="high",
        pattern=_GRADLE,
        literal="What went wrong",
        extract=_gradle_extract,
        priority=45,
        confidence=0.55,
        ecosystem=_ECO,
        title="Gradle: {message}",
        root_cause="Gradle failed: {message} {detail}",
        suggestion="Read the reason under '* What went wrong:'; when it wraps a compile or test failure, fix those errors above.",
        doc=_doc(
            "Gradle's failure block: `FAILURE: Build failed with an exception.`, `* What went wrong:`, then the "
            "failed task (`Execution failed for task ':app:test'.`) or script problem and `> reason` lines.",
            "A task or the build script failed: a custom check, a plugin, an evaluation error, or a wrapped "
            "compile/test failure (those are reported above and outrank this block).",
            "* What went wrong:\nExecution failed for task ':platform-base:projectHealth'.\n"
            "> /home/runner/work/gradle/gradle/platforms/software/platform-base/build.gradle.kts",
            "Act on the `>` reason lines; re-run with `--stacktrace` locally for the full cause.",
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
        ecosystem=_ECO,
        title="Formatter check failed",
        root_cause="The build's formatter check found unformatted files (first: {file}).",
        suggestion="Run the formatter (gradle spotlessApply / mvn spotless:apply / gradle format) and commit the result.",
        doc=_doc(
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
        ecosystem=_ECO,
        title="Checkstyle: {check} in {file}",
        root_cause="Checkstyle reported {check} violations: {message}",
        suggestion="Fix the reported style violations (e.g. at {file}:{line}) or adjust the checkstyle configuration deliberately.",
        doc=_doc(
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
