"""Very big logs: a grep prefilter, then the normal rules on the few lines that pass.

Python cannot touch every line of a multi-GB log quickly, but GNU/BSD grep scans hundreds of MB per
second. grep selects the lines that hold a rule's required literal, a CI step marker or a generic
error prefix; everything else about the diagnosis is the same as for small logs. A second pass
reads the windows of context around the hits. Memory stays bounded: only hit lines and their
windows are kept, and the number of hits processed is capped.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterable

from devops_agent.logs.clean import clean_line, message_of
from devops_agent.logs.dialects import StepTracker
from devops_agent.logs.read import LogSource
from devops_agent.matcher import Hit, Matcher

MAX_GREP_LINES = 100_000
WINDOW = 40
# Step markers of every dialect and generic error prefixes (POSIX ERE).
_MARKERS = (
    r"##\[(group|endgroup|error|warning)\]",
    r"section_(start|end):",
    r"^(\S+ )?\$ ",
    r"^\++ ",
    r"^\[Pipeline\]",
    r"^Finished: ",
    r"^(\S+ )?ERROR: Job failed",
    r"The command \".*\" exited with",
    r"travis_fold:",
    r"(^|[] ])(ERROR|FATAL|Error|error|fatal)[]:!]",
    r"(Error|Exception)(: |$)",
)


def available() -> bool:
    return shutil.which("grep") is not None


def _pattern_file(patterns: Iterable[str]) -> str:
    lines = list(_MARKERS) + [p for p in patterns if "\n" not in p]
    fd, path = tempfile.mkstemp(prefix="devops-agent-", suffix=".pat")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def _hash_and_count(path: str) -> tuple[str, int, int]:
    h = hashlib.sha256()
    nbytes = newlines = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(4 << 20):
            h.update(chunk)
            nbytes += len(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    total = newlines + (0 if last == b"\n" else 1)
    return h.hexdigest(), nbytes, total


def _grep(path: str, literals: list[str]) -> Iterable[tuple[int, bytes]]:
    pat = _pattern_file(literals)
    env = {**os.environ, "LC_ALL": "C"}
    try:
        proc = subprocess.Popen(
            ["grep", "-n", "-a", "-E", "-f", pat, "--", path],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            num, _, text = line.partition(b":")
            yield int(num), text.rstrip(b"\n")
        proc.wait()
    finally:
        os.unlink(pat)


_STRUCTURE = re.compile("|".join(_MARKERS[:9]).encode())


def _candidates(path: str, literals: list[str]) -> list[tuple[int, bytes]]:
    """grep's lines, bounded: every step marker (up to a cap) and the *last* candidate lines.

    A log whose chatter happens to hold rule literals can yield millions of candidates; the
    failure is almost always near the end of its step, so the tail is what is kept.
    """
    markers: deque[tuple[int, bytes]] = deque(maxlen=MAX_GREP_LINES)
    others: deque[tuple[int, bytes]] = deque(maxlen=MAX_GREP_LINES)
    for n, raw in _grep(path, literals):
        (markers if _STRUCTURE.search(raw) else others).append((n, raw))
    return sorted([*markers, *others])


def _windows(path: str, wanted: set[int]) -> dict[int, str]:
    """Second pass: the cleaned text of the wanted line numbers."""
    out: dict[int, str] = {}
    if not wanted:
        return out
    last = max(wanted)
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            if n in wanted:
                out[n] = clean_line(raw[: 1 << 20].rstrip(b"\n").decode("utf-8", "replace"))
            if n >= last:
                break
    return out


def scan_with_grep(src: LogSource, matcher: Matcher, dialect: str):  # type: ignore[no-untyped-def]
    from devops_agent.scan import MAX_HITS_PER_RULE, Scan

    assert src.path is not None
    path = str(src.path)
    sha, nbytes, total = _hash_and_count(path)
    tracker = StepTracker(dialect)
    hits: list[Hit] = []
    per_rule: dict[str, int] = {}
    lines: dict[int, str] = {}
    for n, raw in _candidates(path, matcher.prefilters):
        text = clean_line(raw[: 1 << 20].decode("utf-8", "replace"))
        lines[n] = text
        tracker.feed(n, text)
        wrapper = bool(tracker.markers) and tracker.markers[-1] == n
        found = (matcher.match_wrapper if wrapper else matcher.match)(n, message_of(text), text)
        for hit in found:
            count = per_rule[hit.rule.code] = per_rule.get(hit.rule.code, 0) + 1
            if count <= MAX_HITS_PER_RULE:
                hits.append(hit)
    wanted: set[int] = set()
    for hit in hits[:2000]:
        wanted.update(range(max(1, hit.lineno - WINDOW), min(total, hit.lineno + WINDOW) + 1))
    for step in tracker.steps:  # the failing step's tail feeds the no-signature fallback
        if step.failed:
            wanted.update(range(max(step.start, step.end - WINDOW), step.end + 1))
    wanted.difference_update(lines)
    lines.update(_windows(path, wanted))
    steps = tracker.finish(total)
    for step in steps:
        if step.failed:
            extra = set(range(max(step.start, step.end - 10), step.end + 1)) - set(lines)
            lines.update(_windows(path, extra))
    return Scan(src.name, dialect, total, nbytes, sha, lines, hits, steps, tracker, per_rule)
