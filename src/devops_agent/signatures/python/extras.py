"""Python-ecosystem tooling around the code: interpreter crashes (faulthandler), pytest-xdist worker
crashes, pre-commit hooks and Sphinx builds with warnings treated as errors.

Formats: ``Fatal Python error: Segmentation fault`` then ``Current thread 0x... (most recent call
first):`` and frames ``  File "x.py", line 9 in func``; xdist ``worker 'gw1' crashed while running
'tests/x.py::test_y'``; pre-commit ``hook name.....Failed`` + ``- hook id: ID`` (+ ``- exit code: N``
or ``- files were modified by this hook``); Sphinx ``path.rst:4: WARNING: message [type]`` and, with
``-W``, ``build finished with problems, N warnings (with warnings treated as errors).``
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.python.common import ECO as _ECO
from devops_agent.signatures.python.common import PY_FRAME, is_project
from devops_agent.signatures.python.common import doc as _doc

_FATAL = rx(r"(?:^|(?<=[\s.\]\x1b]))Fatal Python error: (?P<what>[^\n]{1,300})")  # also after pytest progress dots
_XDIST = rx(r"worker '(?P<worker>gw\d+)' crashed while running '(?P<test>[^'\n]{1,500})'")
_HOOK = rx(r"^- hook id: (?P<hook>\S{1,200})\s*$")
_SPHINX = rx(r"^(?P<file>[^\s:][^:\n]{0,400}?)(?::(?P<line>\d+))?: WARNING: (?P<message>[^\n]{1,600})")
_TOX = rx(r"^\s{0,8}(?P<env>[\w.-]{1,100}): FAIL code (?P<code>\d+)\b")
_NOX = rx(r"^nox > Session (?P<session>\S{1,200}) (?:failed|aborted)\.")
_SPHINX_FAILED = re.compile(r"warnings? treated as errors|^Warning, treated as error:")


def _fatal_extract(m: re.Match[str], win: Window) -> Extract | None:
    """The first project frame of the crashing (``Current thread``) stack: the deepest one."""
    current = False
    for n, text in win.after(400):
        if text.startswith("Current thread") or text.startswith("Stack (most recent call first)"):
            current = True
            continue
        f = PY_FRAME.match(text)
        if f and current and is_project(f["file"]):
            return Extract(file=f["file"], line=int(f["line"]), evidence=(n,), data={"what": m["what"].strip()})
        if current and not text.strip():
            break
    return Extract(data={"what": m["what"].strip()})


def _xdist_extract(m: re.Match[str], win: Window) -> Extract | None:
    return Extract(file=m["test"].split("::", 1)[0], data={"test": m["test"], "worker": m["worker"]})


def _hook_extract(m: re.Match[str], win: Window) -> Extract | None:
    prev = (win.text(win.lineno - 1) or "").rstrip()
    if not prev.endswith("Failed"):
        return None  # a passing hook shown by --verbose
    data: dict[str, object] = {"hook": m["hook"], "modified": False}
    for _, text in win.after(3):
        if text.startswith("- files were modified by this hook"):
            data["modified"] = True
        elif text.startswith("- exit code: "):
            data["exit_code"] = text.split(": ", 1)[1].strip()
    return Extract(data=data)


def _sphinx_extract(m: re.Match[str], win: Window) -> Extract | None:
    if not any(_SPHINX_FAILED.search(t) for _, t in win.after(3000)):
        return None  # warnings that do not fail the build
    line = int(m["line"]) if m["line"] else None
    return Extract(file=m["file"], line=line, data={"message": m["message"].strip()})


RULES = [
    Rule(
        code="PY-CRASH-001",
        name="python-fatal-error",
        category="runtime",
        severity="critical",
        pattern=_FATAL,
        literal="Fatal Python error",
        extract=_fatal_extract,
        priority=85,
        confidence=0.8,
        ecosystem=_ECO,
        title="Python crashed: {what}",
        root_cause="The interpreter died ({what}) at {file}:{line}: native code (a C extension, ctypes) failed.",
        suggestion="Reproduce the call at {file}:{line}; check the C extension or the data passed to it (versions, "
        "ABI, buffer sizes).",
        doc=_doc(
            "The interpreter crashed (`Fatal Python error: Segmentation fault`, `Aborted`) and faulthandler printed "
            "each thread's stack; the `Current thread` stack ends in the frame that crashed.",
            "Native code misbehaved: a C extension bug, an ABI mismatch between a wheel and the interpreter, "
            "ctypes reading a bad pointer, or memory corruption.",
            "Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007fc5a91f6b80 (most recent call first):\n"
            '  File "/usr/lib/python3.11/ctypes/__init__.py", line 519 in string_at\n'
            '  File "/home/runner/work/app/test_crash.py", line 9 in test_native_parser',
            "Fix or upgrade the extension; rebuild wheels for this Python; run with `-X faulthandler` locally.",
        ),
    ),
    Rule(
        code="PY-TEST-008",
        name="pytest-xdist-worker-crashed",
        category="runtime",
        severity="high",
        pattern=_XDIST,
        literal="crashed while running",
        extract=_xdist_extract,
        priority=80,
        confidence=0.7,
        ecosystem=_ECO,
        title="pytest-xdist worker {worker} crashed while running {test}",
        root_cause="The worker process running {test} died (a segfault, an abort, os._exit or the OOM killer).",
        suggestion="Run `pytest {test}` without -n to see the crash; look for faulthandler output above.",
        doc=_doc(
            "A pytest-xdist worker died: `[gw1] node down: Not properly terminated` and `worker 'gw1' crashed while "
            "running 'tests/x.py::test_y'`; xdist replaces the worker and marks the test failed.",
            "The test crashed the interpreter (native code), called os._exit, or the machine killed the worker "
            "(out of memory).",
            "[gw1] linux -- Python 3.11.7 /usr/bin/python\nworker 'gw1' crashed while running "
            "'test_crash.py::test_native_parser'",
            "Reproduce the single test without xdist; fix the native crash or the memory use.",
        ),
    ),
    Rule(
        code="PY-HOOK-001",
        name="pre-commit-hook-failed",
        category="format",
        severity="medium",
        pattern=_HOOK,
        literal="- hook id: ",
        extract=_hook_extract,
        priority=58,
        confidence=0.7,
        ecosystem=_ECO,
        title="pre-commit hook '{hook}' failed",
        root_cause="The pre-commit hook '{hook}' failed (modified files: {modified}); its output follows the "
        "hook line.",
        suggestion="Run `pre-commit run {hook} --all-files` locally and commit the changes it makes.",
        doc=_doc(
            "A pre-commit hook failed: `name.......Failed`, `- hook id: ID`, then `- exit code: N` or `- files were "
            "modified by this hook` and the tool's own output (reported by the tool's rule when known).",
            "Files do not satisfy a hook: a fixer hook (formatter, whitespace, end-of-file) rewrote them, or a "
            "checker hook found problems.",
            "trim trailing whitespace.................................................Failed\n"
            "- hook id: trailing-whitespace\n- files were modified by this hook",
            "Run the hooks locally (`pre-commit run --all-files`), commit the result; install the git hook.",
        ),
    ),
    Rule(
        code="PY-DOC-001",
        name="sphinx-warning-as-error",
        category="compilation",
        severity="medium",
        pattern=_SPHINX,
        literal="WARNING: ",
        extract=_sphinx_extract,
        priority=74,
        confidence=0.75,
        ecosystem=_ECO,
        title="Sphinx warning treated as error: {message}",
        root_cause="The documentation build runs with -W and {file}:{line} warns: {message}",
        suggestion="Fix the reference/markup at {file}:{line} (or the missing target).",
        doc=_doc(
            "A Sphinx build with `-W` (warnings are errors) failed: `docs/index.rst:4: WARNING: undefined label: "
            "'x' [ref.ref]` and `build finished with problems, N warnings (with warnings treated as errors).`",
            "The docs reference a missing label/document/object, or contain invalid markup.",
            "/home/runner/work/sph/index.rst:4: WARNING: undefined label: 'missing-label' [ref.ref]\n"
            "build finished with problems, 2 warnings (with warnings treated as errors).",
            "Fix the first warning's reference or markup; rebuild with `sphinx-build -W`.",
        ),
    ),
    Rule(
        code="PY-TOX-001",
        name="tox-env-failed",
        category="test",
        severity="medium",
        pattern=_TOX,
        literal=": FAIL code",
        symptom=True,
        priority=30,
        confidence=0.3,
        ecosystem=_ECO,
        title="tox environment {env} failed (exit code {code})",
        root_cause="A command of the tox environment {env} exited with {code}; its output is above.",
        suggestion="Run `tox -e {env}` locally; the failing command's output is printed above the summary.",
        doc=_doc(
            "tox's summary: `  py311: FAIL code 1 (2.31=setup[1.90]+cmd[0.41] seconds)` and `evaluation failed :(`.",
            "A command of that environment failed (tests, lint...); the cause is in its output above.",
            "lint: exit 1 (0.00 seconds) /work/app> false pid=10611\n  lint: FAIL code 1 (0.39=setup[0.38]+cmd[0.00] "
            "seconds)\n  evaluation failed :( (0.42 seconds)",
            "Fix the failing command's error above the summary.",
        ),
    ),
    Rule(
        code="PY-NOX-001",
        name="nox-session-failed",
        category="test",
        severity="medium",
        pattern=_NOX,
        literal="nox > Session ",
        symptom=True,
        priority=30,
        confidence=0.3,
        ecosystem=_ECO,
        title="nox session {session} failed",
        root_cause="A command of the nox session {session} failed; its output is above.",
        suggestion="Run `nox -s {session}` locally; the failing command's output is printed above.",
        doc=_doc(
            "nox's `nox > Command ... failed with exit code N` and `nox > Session NAME failed.`.",
            "A command of the session failed (tests, lint...); the cause is in its output above.",
            "nox > Command false  failed with exit code 1\nnox > Session tests failed.",
            "Fix the failing command's error above.",
        ),
    ),
]
