"""Fingerprints: the same failure across runs matches; different failures do not."""

from __future__ import annotations

import pytest

from devops_agent.fingerprint import fingerprint, normalise


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("FileNotFoundError: '/tmp/pytest-of-runner/pytest-3/test_load0/config.yml'",
         "FileNotFoundError: '/tmp/pytest-of-alice/pytest-17/test_load1/config.yml'"),
        ("No such file: /tmp/tmpab12cd/src/app.py", "No such file: /tmp/tmpzz90qq/src/app.py"),
        ("error: /home/runner/work/shop/shop/src/cart.c:12: undefined", "error: /builds/team/shop/src/cart.c:40: undefined"),
        ("object 4be1c0e9a1 not found at 0x7ffe12ab", "object 9f2d1aa003 not found at 0x55aa01"),
        ("3 failed, 12 passed in 4.21s", "1 failed, 140 passed in 61.02s"),
        ("Tests  run:  5", "Tests run: 7"),
    ],
)
def test_volatile_parts_do_not_change_the_fingerprint(a: str, b: str) -> None:
    assert fingerprint("R-1", a) == fingerprint("R-1", b), (normalise(a), normalise(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Cannot find module './utils/helper'", "Cannot find module './lib/format'"),
        ("Python module 'yaml' is not installed", "Python module 'requests' is not installed"),
        ("No such file: /tmp/tmpab12cd/src/app.py", "No such file: /tmp/tmpab12cd/src/db.py"),
        ("test_parse failed", "test_render failed"),
        ("a defaced record", "a decoded record"),
    ],
)
def test_names_are_kept(a: str, b: str) -> None:
    assert fingerprint("R-1", a) != fingerprint("R-1", b)


def test_rule_is_part_of_the_fingerprint() -> None:
    assert fingerprint("PY-DEP-001", "x") != fingerprint("PY-IMP-001", "x")
    assert len(fingerprint("PY-DEP-001", "x")) == 16
