"""Build tools: Maven goal failures and summaries, dependency resolution, Gradle's 'What went wrong'."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.jvm.common import (
    ECO,
    rule_doc,
)

# --- Maven ---------------------------------------------------------------------------------------
_MVN_GOAL = rx(
    r"^\[ERROR\] Failed to execute goal (?P<goal>[\w.-]+:[\w.-]+:[\w.-]+:[\w-]+)? ?(?:\((?P<execution>[^)\n]{1,100})\) )?"
    r"on project (?P<project>[\w.-]+):(?: (?P<message>[^\n]{0,600}))?"
)
_MVN_BOILERPLATE = re.compile(r"^\[ERROR\] (?:-> \[Help|To see the full|Re-run Maven|For more information|\[Help \d|After correcting|\s*mvn <args>|\s*$)")


_MVN_RESTART = re.compile(r"^\[INFO\] (?:Scanning for projects|Building \S|--- [\w.-]+:\S+ )")


def _build_went_on(win: Window) -> bool:
    """Maven kept building after this failure: a nested or tolerated run (a test that forks Maven,
    `mvn ... || true`), not the end of the job's build."""
    return any(_MVN_RESTART.match(t) for _, t in win.after(300))


def _mvn_goal_extract(m: re.Match[str], win: Window) -> Extract | None:
    if _build_went_on(win):
        return None
    evidence = []
    for n, text in win.after(6):
        if not text.startswith("[ERROR]") or _MVN_BOILERPLATE.match(text):
            break
        evidence.append(n)
    plugin = (m["goal"] or "").split(":")[1] if m["goal"] else None
    data: dict[str, object] = {"plugin": plugin} if plugin else {}
    # maven-checkstyle-plugin: lint; the compiler plugin's own failures (no javac error lines, which
    # would outrank this) are about the JDK or its settings: configuration, as the rule says
    category = _task_category(plugin) if plugin else None
    if category == "compilation":
        category = None
    message = (m["message"] or "").strip()
    if message or not evidence:
        return Extract(evidence=tuple(evidence[:3]), data=data, category=category)
    # The plugin put its message on the following lines (maven-enforcer-plugin 3.x: the rule, then why).
    lines = [(win.text(n) or "")[len("[ERROR] "):].strip() for n in evidence[:3]]
    data["message"] = " ".join(lines)[:400]
    primary = evidence[1] if len(evidence) > 1 and lines[0].endswith("failed with message:") else evidence[0]
    rest = tuple(n for n in evidence[:3] if n != primary)
    return Extract(primary=primary, evidence=(win.lineno, *rest), data=data, category=category)


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
    category = None
    if t:
        data["task"] = t["task"]
        category = _task_category(t["task"])
    reasons = [n for n, text in body[1:] if text.lstrip().startswith(">")]
    detail = next((text.lstrip("> ").strip() for n, text in body[1:] if text.lstrip().startswith(">")), None)
    if detail:
        data["detail"] = detail[:300]
    evidence = [*reasons[:3], win.lineno]
    return Extract(primary=body[0][0], evidence=tuple(evidence), data=data, category=category)


# What a Gradle task is for, from its name (the last path segment: ':platform-base:projectHealth').
_TASK_KINDS = (
    ("format", re.compile(r"spotless|ktfmt|format", re.I)),
    ("lint", re.compile(r"lint|checkstyle|detekt|pmd|spotbugs|errorprone|projecthealth|buildhealth|dependencyanalysis"
                        r"|apicheck|apidump|abi|codenarc|sonar", re.I)),
    ("test", re.compile(r"test|check$|surefire|failsafe", re.I)),
    ("compilation", re.compile(r"compile|kapt|ksp|assemble|jar$|dex|javadoc", re.I)),
)


def _task_category(task: str) -> str | None:
    name = task.rsplit(":", 1)[-1]
    return next((category for category, pattern in _TASK_KINDS if pattern.search(name)), None)


RULES = [
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
        ecosystem=ECO,
        title="Maven goal {goal} failed on project {project}: {message}",
        root_cause="Maven stopped because {goal} failed on project {project}: {message}",
        suggestion="Read the plugin's message; when it wraps a compiler or test failure, fix those errors printed above it.",
        doc=rule_doc(
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
        grep="BUILD FAIL|FAILURE: Build ",  # Maven's and Gradle's spellings (no one literal covers both)
        symptom=True,
        priority=15,
        confidence=0.3,
        ecosystem=ECO,
        title="Maven/Gradle build failed",
        root_cause="The build tool reported that the build failed.",
        suggestion="Look for the first error above the summary.",
        doc=rule_doc(
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
        literal="ould not",  # Could not resolve/find, could not be resolved (keeps big-log grep narrow)
        extract=_dep_extract,
        priority=80,
        confidence=0.85,
        ecosystem=ECO,
        title="Could not resolve JVM dependency {artifact}",
        root_cause="Maven/Gradle could not resolve {artifact} from the configured repositories.",
        suggestion="Check the coordinates and version of {artifact} in pom.xml/build.gradle (a typo, a version that "
        "was never published, a missing repository or a SNAPSHOT not deployed).",
        doc=rule_doc(
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
        code="JVM-GRADLE-001",
        name="gradle-what-went-wrong",
        category="configuration",
        severity="high",
        pattern=_GRADLE,
        literal="What went wrong",
        extract=_gradle_extract,
        priority=45,
        confidence=0.55,
        ecosystem=ECO,
        title="Gradle: {message}",
        root_cause="Gradle failed: {message} {detail}",
        suggestion="Read the reason under '* What went wrong:'; when it wraps a compile or test failure, fix those errors above.",
        doc=rule_doc(
            "Gradle's failure block: `FAILURE: Build failed with an exception.`, `* What went wrong:`, then the "
            "failed task (`Execution failed for task ':app:test'.`) or script problem and `> reason` lines.",
            "A task or the build script failed: a custom check, a plugin, an evaluation error, or a wrapped "
            "compile/test failure (those are reported above and outrank this block).",
            "* What went wrong:\nExecution failed for task ':platform-base:projectHealth'.\n"
            "> /home/runner/work/gradle/gradle/platforms/software/platform-base/build.gradle.kts",
            "Act on the `>` reason lines; re-run with `--stacktrace` locally for the full cause.",
        ),
    ),
]
