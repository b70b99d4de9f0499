"""CI dialect detection and step splitting.

A *step* is the unit a developer re-runs: a GitHub Actions ``Run ...`` step, a GitLab job-script
command (``$ cmd``), a Jenkins stage or shell command (``+ cmd``), a Travis command, or a ``$ cmd``
echo in plain output. The tracker sees each line once (streaming) and records where steps start,
their command and whether they failed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from devops_agent.models import Step

_GH_TS = re.compile(rb"^(?:[^\t]{1,200}\t[^\t]{0,200}\t)?(?:\xef\xbb\xbf)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z ")
_BRACKET_TS = re.compile(rb"^\[(?:\d{4}-\d\d-\d\d[T ])?\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\] ?")
_GH_EXIT = re.compile(r"^##\[error\]Process completed with exit code (\d+)\.")
_GL_FAILED = re.compile(r"^ERROR: Job failed(?:: exit code (\d+)\s*$|(\S.*|\s+\S.*))?")
_TRAVIS_EXIT = re.compile(r'^The command "(.*)" exited with (\d+)\.')
_JENKINS_STAGE = re.compile(r"^\[Pipeline\] \{ \((.+)\)$")
_CMD_DOLLAR = re.compile(r"^\$ (\S.*)$")
# Azure Pipelines: each task between `##[section]Starting: NAME` and `##[section]Finishing: NAME`;
# a script task ends with `##[error]Bash exited with code '1'.` (PowerShell, Cmd.exe: the same
# words) or `##[error]Script failed with exit code: 1`; other tasks with `The process '...' failed
# with exit code 1`.
_AZ_START = re.compile(r"^##\[section\]Starting: (.+)$")
_AZ_FINISH = re.compile(r"^##\[section\]Finishing: ")
_AZ_EXIT = re.compile(
    r"^##\[error\](?:(?:Bash|PowerShell|Cmd(?:\.exe)?|Script|Python) exited with code '(-?\d+)'"
    r"|Script failed with exit code: (-?\d+)|The process '[^']*' failed with exit code (-?\d+))"
)
# Buildkite ("🚨 Error: The command exited with status 1") and CircleCI ("Exited with code exit
# status 1", "CircleCI received exit code 1"): the job's verdict in otherwise plain output.
OTHER_CI_EXIT = re.compile(
    r"^(?:\W{1,3} )?Error: The command exited with status (-?\d+)|^Exited with code (?:exit status )?(-?\d+)"
    r"|^CircleCI received exit code (-?\d+)"
)
_AZ_OUTPUT = "========================== Starting Command Output ==========================="
_CMD_PLUS = re.compile(r"^\++ (\S.*)$")


def detect_dialect(head: Iterable[bytes]) -> str:
    """Guess the CI dialect from the first lines (raw bytes) of a log."""
    votes = {"github": 0, "gitlab": 0, "jenkins": 0, "travis": 0, "azure": 0}
    for n, raw in enumerate(head):
        if n > 400:
            break
        if raw[:1] == b"[":
            raw = _BRACKET_TS.sub(b"", raw, count=1)  # Jenkins' timestamper: "[2026-03-02T09:14:03.137Z] "
        if _GH_TS.match(raw):
            votes["github"] += 1
            if b"##[group]" in raw or b"##[error]" in raw:
                votes["github"] += 20
        if b"section_start:" in raw or b"Running with gitlab-runner" in raw:
            votes["gitlab"] += 50
        if raw.startswith((b"Started by ", b"[Pipeline]", b"Building in workspace", b"Building remotely on")):
            votes["jenkins"] += 30
        if b"##[section]Starting: " in raw:
            votes["azure"] += 50
        if b"travis_fold:" in raw or b"travis_time:" in raw or raw.startswith(b"Worker information"):
            votes["travis"] += 30
    best = max(votes, key=lambda k: votes[k])
    return best if votes[best] >= 3 else "plain"


@dataclass
class _Open:
    name: str
    start: int
    command: list[str] = field(default_factory=list)
    collecting: bool = False
    failed: bool | None = None
    exit_code: int | None = None


class StepTracker:
    """Feed ``(lineno, clean)`` in order; ``finish(total)`` returns the steps."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.steps: list[Step] = []
        self._cur: _Open | None = None
        self._last_cmd_step: int | None = None  # index in self.steps of the last command step
        self.job_failed: bool | None = None
        self.job_exit: int | None = None
        self.markers: list[int] = []  # lines that are pure CI failure wrappers
        self.workspace: str | None = None

    # -- feeding -----------------------------------------------------------------------------
    def feed(self, n: int, line: str) -> None:
        handler = getattr(self, f"_feed_{self.dialect}", self._feed_plain)
        handler(n, line)

    def _start(self, n: int, name: str, command: str | None = None, collecting: bool = False) -> None:
        self._close(n - 1)
        self._cur = _Open(name=name[:200], start=n, collecting=collecting)
        if command:
            self._cur.command.append(command)

    def _close(self, end: int) -> None:
        cur = self._cur
        if cur is None:
            return
        cmd = "\n".join(cur.command).strip() or None
        self.steps.append(Step(cur.name, cur.start, max(cur.start, end), cmd, cur.failed, cur.exit_code))
        if cmd:
            self._last_cmd_step = len(self.steps) - 1
        self._cur = None

    def _fail_current(self, n: int, code: int | None) -> None:
        self.markers.append(n)
        if self._cur is not None:
            self._cur.failed = True
            self._cur.exit_code = code
        elif self._last_cmd_step is not None:
            self._mark_closed_failed(self._last_cmd_step, code)

    def _mark_closed_failed(self, idx: int, code: int | None) -> None:
        s = self.steps[idx]
        self.steps[idx] = Step(s.name, s.start, s.end, s.command, True, code)

    def _note_workspace(self, line: str) -> None:
        for pat in _WORKSPACE:
            m = pat.search(line)
            if m:
                self.workspace = m.group(1).rstrip("/") + "/"
                return

    # -- GitHub Actions ------------------------------------------------------------------------
    def _feed_github(self, n: int, line: str) -> None:
        if line.startswith("##[group]"):
            title = line[9:]
            if title.startswith("Run "):
                self._start(n, title, collecting=True)
                return
            if self._cur is None:
                self._start(n, title)
            return
        if line.startswith("##[endgroup]"):
            if self._cur is not None:
                self._cur.collecting = False
            return
        cur = self._cur
        if cur is not None and cur.collecting:
            stripped = line.strip()
            if re.match(r"^(shell|env|with):", stripped) or stripped.startswith("shell: "):
                cur.collecting = False
            elif stripped:
                cur.command.append(stripped)
            return
        m = _GH_EXIT.match(line)
        if m:
            self._fail_current(n, int(m.group(1)))
            self.job_failed = True
            return
        if line.startswith("##[error]The operation was canceled") or line.startswith(
            "##[error]The job running on runner"
        ):
            self._fail_current(n, None)
            self.job_failed = True
            return
        if line.startswith("Post job cleanup.") or line.startswith("Cleaning up orphan processes"):
            self._start(n, line.rstrip("."))
            return
        if self._cur is None and n == 1:
            self._start(n, "Set up job")
        if self.workspace is None and "orking directory" in line:
            self._note_workspace(line)

    # -- GitLab CI -----------------------------------------------------------------------------
    def _feed_gitlab(self, n: int, line: str) -> None:
        m = _CMD_DOLLAR.match(line)
        if m:
            self._start(n, m.group(1), m.group(1))
            return
        m = _GL_FAILED.match(line)
        if m:
            code = int(m.group(1)) if m.group(1) else None
            self.job_failed = True
            self.job_exit = code
            if not m.group(2):  # "exit code N" says nothing more; "(system failure): ...", "failed to pull image ..." do
                self.markers.append(n)
            idx = self._last_cmd_step
            if self._cur is not None and self._cur.command:
                self._cur.failed, self._cur.exit_code = True, code
            elif idx is not None:
                self._mark_closed_failed(idx, code)
            return
        if line.startswith("Job succeeded"):
            self.job_failed = False
            return
        if self._cur is None:
            self._start(n, "Prepare job")
        if self.workspace is None and ("Initialized empty Git repository in" in line or "Reinitialized existing" in line):
            self._note_workspace(line)
        if line.startswith(("Cleaning up project directory", "Running after_script", "Uploading artifacts")):
            self._start(n, line.rstrip("."))

    # -- Jenkins -------------------------------------------------------------------------------
    def _feed_jenkins(self, n: int, line: str) -> None:
        m = _JENKINS_STAGE.match(line)
        if m:
            self._start(n, m.group(1))
            return
        m = _CMD_PLUS.match(line)
        if m and not line.startswith("+++"):
            self._start(n, m.group(1), m.group(1))
            return
        if line.startswith("Finished: "):
            status = line[10:].strip()
            self.job_failed = status not in ("SUCCESS",)
            if self.job_failed:
                self.markers.append(n)
                self._mark_last_failed(None)
            return
        if line.startswith("Build step '") and "marked build as failure" in line:
            self.markers.append(n)
            self._mark_last_failed(None)
            return
        if line.startswith("ERROR: script returned exit code "):
            self.markers.append(n)
            self._mark_last_failed(_int(line.rsplit(" ", 1)[-1]))
            return
        if self._cur is None:
            self._start(n, "Prepare build")
        if self.workspace is None and "workspace /" in line:
            self._note_workspace(line)

    def _mark_last_failed(self, code: int | None) -> None:
        if self._cur is not None and self._cur.command:
            if not self._cur.failed:
                self._cur.failed, self._cur.exit_code = True, code
        elif self._last_cmd_step is not None:
            s = self.steps[self._last_cmd_step]
            if not s.failed:
                self._mark_closed_failed(self._last_cmd_step, code)

    # -- Travis --------------------------------------------------------------------------------
    def _feed_travis(self, n: int, line: str) -> None:
        m = _CMD_DOLLAR.match(line)
        if m:
            self._start(n, m.group(1), m.group(1))
            return
        m = _TRAVIS_EXIT.match(line)
        if m:
            code = int(m.group(2))
            self.markers.append(n)
            if code != 0:
                self.job_failed = True
                self._mark_command(m.group(1), code)
            return
        if line.startswith("Done. Your build exited with"):
            self.markers.append(n)
            self.job_failed = not line.rstrip(".").endswith(" 0")
            return
        if self._cur is None:
            self._start(n, "Worker setup")

    def _mark_command(self, command: str, code: int) -> None:
        if self._cur is not None and self._cur.command and self._cur.command[0] == command:
            self._cur.failed, self._cur.exit_code = True, code
            return
        for idx in range(len(self.steps) - 1, -1, -1):
            if self.steps[idx].command == command:
                self._mark_closed_failed(idx, code)
                return
        self._mark_last_failed(code)

    # -- Azure Pipelines -----------------------------------------------------------------------
    def _feed_azure(self, n: int, line: str) -> None:
        m = _AZ_START.match(line)
        if m:
            self._start(n, m.group(1).strip())
            return
        cur = self._cur
        if _AZ_FINISH.match(line):
            if cur is not None:
                self._close(n)
            return
        if cur is not None:
            if line.startswith("Script contents:"):
                cur.collecting = True
                return
            if line.startswith(_AZ_OUTPUT):
                cur.collecting = False
                return
            if cur.collecting:
                if line.strip():
                    cur.command.append(line.strip())
                return
            if not cur.command and line.startswith(("##[command]", "[command]")):
                cur.command.append(line.split("]", 1)[1].strip())
                return
        m = _AZ_EXIT.match(line)
        if m:
            code = _exit_code(m)
            self._fail_current(n, code)
            self.job_failed = True
            return
        if line.startswith(("##[error]The operation was canceled", "##[error]The job running on agent")):
            self._fail_current(n, None)
            self.job_failed = True
            return
        if cur is None:
            self._start(n, "Job")
        if self.workspace is None and "orking directory" in line:
            self._note_workspace(line)

    # -- plain output ----------------------------------------------------------------------------
    def _feed_plain(self, n: int, line: str) -> None:
        m = _CMD_DOLLAR.match(line)
        if m:
            self._start(n, m.group(1), m.group(1))
            return
        m = OTHER_CI_EXIT.match(line)
        if m:
            code = _exit_code(m)
            if code != 0:
                self._fail_current(n, code)
                self.job_failed = True
            return
        if self._cur is None:
            self._start(n, "output")

    # -- result ----------------------------------------------------------------------------------
    def finish(self, total: int) -> list[Step]:
        self._close(total)
        return self.steps


_WORKSPACE = (
    re.compile(r"Working directory is '([^']+)'"),
    re.compile(r"Initialized empty Git repository in (\S+?)/\.git/?"),
    re.compile(r"Reinitialized existing Git repository in (\S+?)/\.git/?"),
    re.compile(r"(?:Building|Running) (?:remotely )?(?:on .*? )?in workspace (\S+)"),
)


def _exit_code(m: re.Match[str]) -> int | None:
    """The one exit-code group of a pattern that spells the code in several alternatives."""
    return next((int(g) for g in m.groups() if g is not None), None)


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
