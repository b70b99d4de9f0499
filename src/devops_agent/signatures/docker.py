"""Docker signatures: a failed build step and image pull failures.

Formats learned from BuildKit and the Docker daemon: BuildKit prints ``#12 ERROR: process "/bin/sh -c
CMD" did not complete successfully: exit code: 1`` for the step, a ``------`` box with the step's
last output lines, a ``Dockerfile:LINE`` excerpt and ``ERROR: failed to solve: process ...``; the
legacy builder prints ``The command '/bin/sh -c CMD' returned a non-zero code: N``. The daemon
reports pulls as ``Error response from daemon: manifest for IMAGE not found: manifest unknown`` and
``pull access denied for IMAGE, repository does not exist or may require 'docker login'`` (rate
limits, HTTP 429, are left to the infrastructure rules).
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "docker"




_BUILD = rx(
    r"(?:^#\d+ ERROR: |(?:^|ERROR: |error: )failed to solve: )process \"(?P<command>[^\n]{1,1000}?)\" did not complete successfully: exit code: (?P<code>\d+)"
    r"|The command '(?P<legacy>[^\n]{1,1000}?)' returned a non-zero code: (?P<lcode>\d+)"
)
_DOCKERFILE = re.compile(r"^(?P<file>[\w./-]{0,200}Dockerfile[\w.-]{0,50}):(?P<line>\d+)\s*$")
_SHELL_PREFIX = re.compile(r"^/bin/(?:ba)?sh -c ")


_STEP_OUTPUT = re.compile(r"^#(?P<step>\d+) \d+\.\d+ (?P<out>\S[^\n]{0,400})")


def _step_output(m: re.Match[str], win: Window) -> tuple[int, ...]:
    """The failing step's last output lines (`#12 0.149 wget: server returned error ...`)."""
    step = re.match(r"^#(\d+) ", m.string)
    if step is None:
        return ()
    lines = []
    for n, text in win.before(30):
        o = _STEP_OUTPUT.match(text)
        if o and o["step"] == step.group(1):
            lines.append(n)
            if len(lines) == 2:
                break
    return tuple(sorted(lines, reverse=True))


# A cheap literal alternation finds candidate lines; _BUILD parses them (only on those lines).
_BUILD_TRIGGER = rx(r"did not complete successfully: exit code|returned a non-zero code")


def _build_extract(trigger: re.Match[str], win: Window) -> Extract | None:
    m = _BUILD.search(trigger.string)
    if m is None:
        return None
    command = _SHELL_PREFIX.sub("", m["command"] or m["legacy"])
    data: dict[str, object] = {"command": command[:300], "exit_code": int(m["code"] or m["lcode"])}
    evidence = _step_output(m, win)
    for _, text in win.after(40):
        d = _DOCKERFILE.match(text)
        if d:
            return Extract(file=d["file"], line=int(d["line"]), evidence=evidence, data=data)
        if text.startswith(("ERROR: failed to solve", "error: failed to solve")):
            break
    return Extract(file=None, evidence=evidence, data=data)


_FILE = rx(
    r"[Dd]ockerfile parse error (?:on )?line (?P<pline>\d+): (?P<perr>[^\n]{1,300})"
    r"|failed to calculate checksum of ref [^\s\"]{1,300}: \"(?P<src>[^\"\n]{1,300})\": not found"
    r"|COPY failed: (?P<legacy>[^\n]{0,400}(?:not found in build context|no such file or directory|does not exist)[^\n]{0,200})"
)


# A cheap literal alternation finds candidate lines; _FILE parses them (only on those lines).
_FILE_TRIGGER = rx(r"arse error (?:on )?line|failed to calculate checksum of ref|COPY failed: ")


def _file_extract(trigger: re.Match[str], win: Window) -> Extract | None:
    m = _FILE.search(trigger.string)
    if m is None:
        return None
    data: dict[str, object] = {}
    if m["perr"]:
        data["message"] = m["perr"].strip()
        title = f"Dockerfile parse error on line {m['pline']}: {data['message']}"
        return Extract(file="Dockerfile", line=int(m["pline"]), data=data, title=title)
    if m["src"]:
        data["path"] = m["src"]
        title = f"Docker build: COPY source {m['src']} is not in the build context"
    else:
        data["message"] = m["legacy"][:300]
        title = f"Docker build: COPY failed: {data['message']}"
    for _, text in (*win.after(25), *win.before(15)):
        d = _DOCKERFILE.match(text)
        if d:
            return Extract(file=d["file"], line=int(d["line"]), data=data, title=title)
    return Extract(data=data, title=title)


_PULL = rx(
    r"manifest for (?P<image>\S{1,300}) not found: manifest unknown"
    r"|pull access denied for (?P<image2>[^\s,]{1,300}), repository does not exist"
    r"|failed to resolve source metadata for (?P<image3>\S{1,300}): (?:[^\n]{0,300}: )?not found"
    r"|(?:manifest unknown|repository does not exist)[^\n]{0,200}"
)
_RETRIED = re.compile(r"retry|retrying|back off|backoff", re.IGNORECASE)


# A cheap literal alternation finds candidate lines; _PULL parses them (only on those lines).
_PULL_TRIGGER = rx(r"manifest unknown|pull access denied|failed to resolve source metadata|repository does not exist")


def _pull_extract(trigger: re.Match[str], win: Window) -> Extract | None:
    m = _PULL.search(trigger.string)
    if m is None:
        return None
    if any(_RETRIED.search(t) for _, t in win.after(2)):
        return None  # a retried attempt; the final one is the failure
    image = m["image"] or m["image2"] or m["image3"]
    data: dict[str, object] = {"image": image} if image else {}
    return Extract(data=data)


RULES = [
    Rule(
        code="DKR-BUILD-001",
        name="docker-build-step-failed",
        category="compilation",
        severity="high",
        pattern=_BUILD_TRIGGER,
        literal=None,
        extract=_build_extract,
        priority=60,  # below the specific error printed inside the RUN step, above generic lines
        confidence=0.6,
        ecosystem=_ECO,
        title="Docker build step failed (exit code {exit_code}): {command}",
        root_cause="The Dockerfile step `RUN {command}` exited with code {exit_code}; its own output above says why.",
        suggestion="Read the step's output in the `------` box above; fix the command or what it needs "
        "(a package, a file COPY'd earlier, a network mirror), then rebuild.",
        doc=_doc(
            "A `RUN` step of a Docker build failed: BuildKit's `#12 ERROR: process \"/bin/sh -c CMD\" did not "
            "complete successfully: exit code: 1` / `ERROR: failed to solve: process ...`, or the legacy "
            "builder's `The command '/bin/sh -c CMD' returned a non-zero code: 1`. When a specific rule matches "
            "the command's own error (a compiler error, a pip or npm failure), that error leads instead.",
            "The command in the Dockerfile failed inside the build container: a missing package or tool, a "
            "compile or install error, a network fetch that failed, an architecture mismatch.",
            "failed to solve: process \"/bin/sh -c mkdir -p $FOLDER\" did not complete successfully: exit code: 1",
            "Fix the failing command (the `Dockerfile:LINE` excerpt shows it) or its inputs; reproduce with "
            "`docker build --progress=plain .`.",
        ),
    ),
    Rule(
        code="DKR-FILE-001",
        name="dockerfile-error",
        category="configuration",
        severity="high",
        pattern=_FILE_TRIGGER,
        literal=None,
        extract=_file_extract,
        priority=78,
        confidence=0.85,
        ecosystem=_ECO,
        fix="unsafe",
        title="Dockerfile problem: {message}",
        root_cause="The Docker build could not use the Dockerfile as written: a file it COPYs ({path}) is not in "
        "the build context, or the Dockerfile does not parse.",
        suggestion="Check the COPY source against the build context (the `context:` path and .dockerignore), or "
        "fix the Dockerfile syntax at {file}:{line} (a missing `\\` line continuation is common).",
        doc=_doc(
            "BuildKit's `failed to compute cache key: failed to calculate checksum of ref ...: \"/path\": not found` "
            "(a COPY/ADD source missing from the build context), the legacy builder's `COPY failed: file not found "
            "in build context`, or `dockerfile parse error on line N: unknown instruction: X`.",
            "The file was renamed, is excluded by .dockerignore, is generated by a step that did not run, or the "
            "build context is a different directory; parse errors come from a missing line continuation or a typo.",
            "#11 ERROR: failed to calculate checksum of ref myqym481qat9c5pqba15t56et::i8w3idij32ozqgi9hdlvjd4vo: "
            "\"/doc/tutorials/planning_around_objects/hello_moveit.cpp\": not found\n.docker/Dockerfile:35",
            "Make the COPY source exist in the context (or fix the path / .dockerignore), or fix the Dockerfile line.",
        ),
    ),
    Rule(
        code="DKR-PULL-001",
        name="docker-image-not-found",
        category="dependency",
        severity="high",
        pattern=_PULL_TRIGGER,
        literal=None,
        extract=_pull_extract,
        priority=78,
        confidence=0.85,
        ecosystem=_ECO,
        title="Docker image not found: {image}",
        root_cause="The image {image} could not be pulled: the tag does not exist, or the repository is private "
        "or misspelled.",
        suggestion="Use an image tag that exists (check the registry), fix the image name, or log in "
        "(`docker login`) before pulling a private image.",
        doc=_doc(
            "Docker could not pull an image: `Error response from daemon: manifest for IMAGE:TAG not found: "
            "manifest unknown`, `pull access denied for IMAGE, repository does not exist or may require 'docker "
            "login'`, or BuildKit's `failed to resolve source metadata for IMAGE: not found`.",
            "The tag was never published (or was removed), the name is misspelled, or the image is private and "
            "the job is not logged in.",
            "Error response from daemon: manifest for python:3.14t not found: manifest unknown: manifest unknown",
            "Pick an existing tag (or pin a digest), correct the name, or add a `docker/login-action` step.",
        ),
    ),
]
