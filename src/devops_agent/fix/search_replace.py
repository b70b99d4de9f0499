"""Edits a model writes as SEARCH/REPLACE blocks (the format aider popularised), parsed robustly.

    path/to/file.py
    <<<<<<< SEARCH
    exact lines from the file
    =======
    the lines to put there instead
    >>>>>>> REPLACE

Matching tries the exact text, then the same lines ignoring indentation and trailing blanks (the
replacement is re-indented by the same offset). A block that matches nowhere, or in more than one
place, is rejected with a reason the model can act on; no partial result is ever applied.
An empty SEARCH creates a new file (only one that does not exist).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

MAX_ANSWER_CHARS = 200_000

_START = re.compile(r"^\s*<{5,9}\s*SEARCH\s*$")
_MID = re.compile(r"^\s*={5,9}\s*$")
_END = re.compile(r"^\s*>{5,9}\s*REPLACE\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_PATH_DECOR = re.compile(r"^(?:#+\s*|//\s*|(?:file|path|filename)\s*:\s*)", re.I)


@dataclass(frozen=True)
class Edit:
    path: str
    search: str
    replace: str


class EditFormatError(ValueError):
    """The answer holds no usable edit blocks (the message is feedback for the model)."""


def parse_edits(answer: str) -> list[Edit]:
    """Every SEARCH/REPLACE block in ``answer``; malformed blocks raise :class:`EditFormatError`."""
    if len(answer) > MAX_ANSWER_CHARS:
        raise EditFormatError(f"the answer is {len(answer)} characters long; keep edits small and targeted")
    lines = answer.splitlines()
    edits: list[Edit] = []
    i = 0
    last_path: str | None = None
    while i < len(lines):
        if not _START.match(lines[i]):
            i += 1
            continue
        path = _path_before(lines, i) or last_path
        if path is None:
            raise EditFormatError(f"block {len(edits) + 1} does not say which file it edits "
                                  "(put the file path on the line before <<<<<<< SEARCH)")
        search, i = _until(lines, i + 1, _MID, "=======", len(edits) + 1)
        replace, i = _until(lines, i + 1, _END, ">>>>>>> REPLACE", len(edits) + 1)
        edits.append(Edit(path, search, replace))
        last_path = path
        i += 1
    if not edits:
        raise EditFormatError("no SEARCH/REPLACE blocks found; answer only with edit blocks")
    return edits


def _until(lines: list[str], i: int, end: re.Pattern[str], name: str, n: int) -> tuple[str, int]:
    out: list[str] = []
    while i < len(lines):
        if end.match(lines[i]):
            return "".join(line + "\n" for line in out), i
        if _START.match(lines[i]) or (end is _MID and _END.match(lines[i])):
            break
        out.append(lines[i])
        i += 1
    raise EditFormatError(f"block {n} is not closed by a {name} line")


def _path_before(lines: list[str], i: int) -> str | None:
    for j in range(i - 1, max(-1, i - 4), -1):
        text = lines[j].strip()
        if not text or _FENCE.match(text) and len(text.strip("`~")) == 0:
            continue
        if _FENCE.match(text):  # ```python path/to/file.py
            text = text.strip("`~").split(maxsplit=1)[-1] if " " in text else ""
        while (stripped := _PATH_DECOR.sub("", text).strip()) != text:
            text = stripped
        text = text.strip("`*'\":")
        if text and " " not in text and ("/" in text or "." in text):
            return text.removeprefix("./")
        return None
    return None


# -- applying ---------------------------------------------------------------------------------


def apply_edits(files: Mapping[str, str | None], edits: list[Edit]) -> tuple[dict[str, str], list[str]]:
    """New contents of every edited file, and the reasons of rejected blocks (all or nothing:
    callers apply nothing when the list of problems is not empty). ``files[path]`` is the current
    text, or None when the file does not exist."""
    out: dict[str, str] = {}
    problems: list[str] = []
    for n, edit in enumerate(edits, start=1):
        current = out.get(edit.path, files.get(edit.path))
        try:
            out[edit.path] = apply_one(current, edit)
        except EditFormatError as exc:
            problems.append(f"block {n} ({edit.path}): {exc}")
    return out, problems


def apply_one(text: str | None, edit: Edit) -> str:
    if not edit.search.strip():
        if text is not None:
            raise EditFormatError("an empty SEARCH creates a file, but this file exists; quote the lines to replace")
        return edit.replace
    if text is None:
        raise EditFormatError("no such file in the repository")
    count = text.count(edit.search)
    if count == 1:
        return text.replace(edit.search, edit.replace, 1)
    if count > 1:
        raise EditFormatError(f"the SEARCH text occurs {count} times; include more lines to make it unique")
    return _fuzzy(text, edit)


def _fuzzy(text: str, edit: Edit) -> str:
    """Match ignoring indentation and blank lines at the block's edges; re-indent the replacement."""
    rows = text.splitlines(keepends=True)
    want = _trim(edit.search.splitlines())
    keys = [r.strip() for r in rows]
    target = [w.strip() for w in want]
    hits = [i for i in range(len(rows) - len(target) + 1) if keys[i : i + len(target)] == target]
    if len(hits) > 1:
        raise EditFormatError(f"the SEARCH lines match {len(hits)} places; include more lines to make it unique")
    if not hits:
        raise EditFormatError("the SEARCH lines are not in the file" + _closest(rows, want))
    start = hits[0]
    shift = _indent(rows[start]) - _indent(want[0])
    repl = [_reindent(line, shift) for line in _trim(edit.replace.splitlines())]
    ending = "\n" if rows[start + len(target) - 1].endswith("\n") or start + len(target) < len(rows) else ""
    new = "".join(line + "\n" for line in repl)
    if not ending and new:
        new = new[:-1]
    return "".join(rows[:start]) + new + "".join(rows[start + len(target) :])


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _reindent(line: str, shift: int) -> str:
    if not line.strip():
        return ""
    if shift >= 0:
        return " " * shift + line
    return line[min(-shift, _indent(line)) :]


def _closest(rows: list[str], want: list[str]) -> str:
    if not want or not rows:
        return ""
    size = len(want)
    best, where = 0.0, 0
    probe = "".join(w.strip() for w in want)
    for i in range(0, max(1, len(rows) - size + 1)):
        ratio = difflib.SequenceMatcher(None, probe, "".join(r.strip() for r in rows[i : i + size])).ratio()
        if ratio > best:
            best, where = ratio, i
    if best < 0.5:
        return ""
    quoted = "".join(rows[where : where + size]).rstrip("\n")
    return f"; the closest lines (from line {where + 1}) are:\n{quoted}"
