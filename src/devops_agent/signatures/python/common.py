"""Shared helpers of the Python signatures: docs, traceback frames, project-vs-library paths.

Two traceback formats occur in CI logs: CPython's (``Traceback (most recent call last):``, frames
``  File "src/app.py", line 12, in main``, the exception line last) and pytest's long/short format
(frames ``src/app.py:12: in main``, the exception on ``E   ValueError: ...`` lines, a final
``tests/test_app.py:8: ValueError``). The *deepest project frame* is the frame nearest the exception
that is not the interpreter, site-packages, pytest or ``<frozen ...>``; a non-test module is
preferred over the test that called it.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import (
    Window,
    doc,  # noqa: F401 - shared by this package's rule modules
)

ECO = "python"

PY_FRAME = re.compile(r'^(?:E\s+)?\s{0,12}File "(?P<file>[^"\n]{1,500})", line (?P<line>\d+)')
PT_FRAME = re.compile(r"^(?P<file>[^\s:\"<>|][^:\n]{0,400}?\.py):(?P<line>\d+):(?: (?:in \S|[A-Za-z_][\w.]*\s*$)| ?$)")
PT_FINAL = re.compile(r"^(?P<file>[^\s:\"<>|][^:\n]{0,400}?\.py):(?P<line>\d+): (?P<exc>[A-Za-z_][\w.]*)\s*$")
_OUTSIDE = re.compile(
    r"site-packages[/\\]|dist-packages[/\\]|[/\\]lib[/\\]python\d[\d.]*[/\\]|[/\\]Lib[/\\]|^<|[/\\]importlib[/\\]"
    r"|[/\\]_pytest[/\\]|[/\\]pluggy[/\\]|\.pyenv[/\\]versions[/\\]|hostedtoolcache[/\\]|[/\\]unittest[/\\]case\.py"
)
_TEST_FILE = re.compile(r"(?:^|[/\\])(?:test_[^/\\]*|[^/\\]*_test|conftest)\.py$|(?:^|[/\\])tests?[/\\]")
TB_HEADER = "Traceback (most recent call last):"
_TB_STOP = re.compile(r"^(?:Traceback:|Traceback \(most recent call last\):|_{3,} |={5,}|-{5,} )")
# An exception line: `pkg.mod.SomeError: message` (optionally after pytest's `E   `).
EXC_LINE = re.compile(
    r"^(?:E\s+)?(?P<exc>(?:[A-Za-z_]\w{0,60}\.){0,6}[A-Za-z_]\w{0,80}(?:Error|Exception|Exit|Interrupt|Failure|Expired|Warning|Timeout|Iteration)\w{0,20})"
    r"(?::(?: (?P<msg>[^\n]{0,2000}))?)?\s*$"
)




def is_project(path: str) -> bool:
    return not _OUTSIDE.search(path)


def is_test(path: str) -> bool:
    return bool(_TEST_FILE.search(path))


def frame_at(text: str) -> tuple[str, int] | None:
    m = PY_FRAME.match(text) or PT_FRAME.match(text)
    return (m["file"], int(m["line"])) if m else None


def project_frame(win: Window, start: int | None = None, limit: int = 300) -> tuple[str | None, int | None]:
    """The deepest project frame of the traceback ending just above ``start`` (default: the match).

    Walks up to the traceback's header; a non-test module wins over the tests that called it.
    """
    deepest_test: tuple[str, int] | None = None
    for _, text in win.before(limit, start):
        if _TB_STOP.match(text):
            break
        frame = frame_at(text)
        if frame is None or not is_project(frame[0]):
            continue
        if not is_test(frame[0]):
            return frame
        deepest_test = deepest_test or frame
    return deepest_test if deepest_test else (None, None)


def nearest_frame(win: Window, start: int | None = None, limit: int = 6) -> tuple[str | None, int | None]:
    """The frame printed right above the match (a SyntaxError's location)."""
    for _, text in win.before(limit, start):
        frame = frame_at(text)
        if frame:
            return frame
    return None, None
