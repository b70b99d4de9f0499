"""Compare a failing log with a passing log of the same job (CiDiff-style line templates).

Volatile tokens (timestamps, durations, hashes, temp paths, numbers, UUIDs) are masked so that a
line's *template* can be compared across runs. A candidate whose template also occurs in the
passing log is unlikely to be the cause; lines that are new in the failing log are preferred.
"""

from __future__ import annotations

import hashlib
import re

from devops_agent.logs.clean import clean_line
from devops_agent.logs.read import iter_raw_lines, open_sources

_MASKS = (
    (re.compile(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"), "<ts>"),
    (re.compile(r"\b\d\d:\d\d:\d\d(?:\.\d+)?\b"), "<time>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (re.compile(r"\b(?:sha\d+:)?[0-9a-f]{7,64}\b"), "<hash>"),
    (re.compile(r"(?:/tmp|/var/folders|/private/var|[A-Z]:\\\\Users\\\\[^\\\\]+\\\\AppData)/\S*"), "<tmp>"),
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds|m|min|minutes|h|kB|KB|MB|MiB|GB|GiB|B|%)\b"), "<qty>"),
    (re.compile(r"\d+"), "<n>"),
)


def template(line: str) -> str:
    for pat, repl in _MASKS:
        line = pat.sub(repl, line)
    return " ".join(line.split())


def _key(line: str) -> bytes:
    return hashlib.blake2b(template(line).encode("utf-8", "replace"), digest_size=8).digest()


class Baseline:
    """The set of line templates of a passing log (hashed: memory stays small for big logs)."""

    def __init__(self, keys: set[bytes]) -> None:
        self._keys = keys

    @classmethod
    def from_log(cls, spec: str) -> Baseline:
        keys: set[bytes] = set()
        for src in open_sources(spec):
            with src.open() as fh:
                for raw in iter_raw_lines(fh):
                    text = clean_line(raw.decode("utf-8", "replace"))
                    if text.strip():
                        keys.add(_key(text))
        return cls(keys)

    def __contains__(self, line: str) -> bool:
        return _key(line) in self._keys

    def is_new(self, line: str) -> bool:
        return bool(line.strip()) and _key(line) not in self._keys
