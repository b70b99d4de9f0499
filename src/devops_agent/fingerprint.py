"""Stable fingerprints of findings: the same failure gets the same fingerprint across runs.

A fingerprint is the rule code plus the finding's title with volatile parts masked: numbers,
hex ids and hashes, temporary paths. Names (modules, symbols, tests, files) are kept: they are
what makes two failures the same.
"""

from __future__ import annotations

import hashlib
import re

_VOLATILE = re.compile(r"0x[0-9a-f]+|\b[0-9a-f]{7,40}\b|\d+(?:\.\d+)*|/tmp/\S+|'[^']*/[^']*'")


def normalise(text: str) -> str:
    return _VOLATILE.sub("#", text.lower()).strip()


def fingerprint(rule: str, title: str) -> str:
    return hashlib.sha1(f"{rule}|{normalise(title)}".encode()).hexdigest()[:16]
