"""Stable fingerprints of findings: the same failure gets the same fingerprint across runs.

A fingerprint is the rule code plus the finding's message with its volatile parts masked:
temporary and CI-workspace directory prefixes (``/tmp/tmpab12cd``, pytest's ``/tmp/pytest-of-u/
pytest-3/test_x0``, ``/home/runner/work/repo/repo``, GitLab's ``/builds/group/project``), hex ids
and hashes, and numbers. Names (modules, symbols, tests, the part of a path inside the project,
quoted text) are kept: they are what makes two failures the same or different.
"""

from __future__ import annotations

import hashlib
import re

_TMP = re.compile(
    r"(?:/private)?/tmp/pytest-of-[^/\s]+/pytest-\d+/[^/\s'\"]+"  # pytest's tmp_path
    r"|(?:/private)?/var/folders/[^/\s]+/[^/\s]+/T/[^/\s'\"]+"  # macOS per-user temp
    r"|(?:/private)?/(?:var/)?tmp/[^/\s'\"]+"  # /tmp/<random dir or file>
    r"|[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp\\[^\\\s'\"]+",  # Windows %TEMP%
)
_WORKSPACE = re.compile(
    r"/home/runner/work/[^/\s]+/[^/\s'\"]+"  # GitHub-hosted runners
    r"|/github/workspace"  # GitHub container actions
    r"|/builds/[^/\s]+/[^/\s'\"]+"  # GitLab runners
    r"|/var/lib/jenkins/workspace/[^/\s'\"]+|/home/travis/build/[^/\s]+/[^/\s'\"]+",
)
# Hex runs of 7+ with at least one digit (commit and object ids, uuids' parts); words such as
# "defaced" stay.
_HEX = re.compile(r"0x[0-9a-f]+|\b(?=[0-9a-f]*\d)[0-9a-f]{7,64}\b")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def normalise(message: str) -> str:
    """``message`` lower-cased with temp dirs, workspaces, hex ids and numbers masked."""
    text = _TMP.sub("<tmp>", message)
    text = _WORKSPACE.sub("<ws>", text).lower()
    text = _HEX.sub("<hex>", text)
    text = _NUMBER.sub("#", text)
    return " ".join(text.split())


def fingerprint(rule: str, message: str) -> str:
    """A 16-hex-digit id of ``rule`` and the normalised ``message``."""
    return hashlib.sha1(f"{rule}|{normalise(message)}".encode()).hexdigest()[:16]
