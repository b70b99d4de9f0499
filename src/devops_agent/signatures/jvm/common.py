"""Shared helpers of the JVM signatures: stack frames, exception lines, docs."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Window

ECO = "jvm"

EXC_LINE = re.compile(
    r"^\s*(?:Caused by: )?(?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Failure|Failed)\b(?:: |\s*$| at )"
    r"|^\s*(?:expected|Expected)\b"
)
FRAME = re.compile(r"^\s*at (?P<cls>[\w$.]+)\.(?P<meth>[\w$<>]+)\((?P<fname>[\w$]+\.(?:java|kt|groovy|scala)):(?P<line>\d+)\)")
LIB_FRAME = re.compile(r"^(?:java|javax|jdk|sun|org\.junit|org\.opentest4j|org\.assertj|org\.hamcrest|junit|org\.apache\.maven|org\.gradle|kotlin|org\.mockito|org\.testng)\.")


def source_path(cls: str, fname: str) -> str:
    """``com.acme.shop.CartTest`` + ``CartTest.java`` -> ``com/acme/shop/CartTest.java``."""
    pkg = cls.split("$", 1)[0].rsplit(".", 1)[0] if "." in cls else ""
    return f"{pkg.replace('.', '/')}/{fname}" if pkg else fname


def project_frame(win: Window, start: int, count: int = 40, prefer: str | None = None) -> tuple[str, int] | None:
    """The first stack frame below ``start`` that is not JDK/test-framework code."""
    first: tuple[str, int] | None = None
    for _, text in win.after(count, start):
        m = FRAME.match(text)
        if not m:
            if first is not None and not text.strip():
                break
            continue
        if LIB_FRAME.match(m["cls"]):
            continue
        hit = (source_path(m["cls"], m["fname"]), int(m["line"]))
        if prefer is None or m["cls"].split("$", 1)[0] == prefer:
            return hit
        first = first or hit
    return first


def rule_doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"
