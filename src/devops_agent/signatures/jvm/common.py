"""Shared helpers of the JVM signatures: stack frames, exception lines, docs."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Window

ECO = "jvm"

EXC_LINE = re.compile(
    r"^\s*(?:Caused by: )?(?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Failure|Failed)\b(?:: |\s*$| at )"
    r"|^\s*(?:expected|Expected)\b"
)
# `at com.x.Foo.bar(Foo.java:12)`; JDK 9+ and Gradle prefix a module/class loader: `at java.base/...`, `at app//com.x...`
FRAME = re.compile(r"^\s*at (?:[\w.$-]{1,100}(?:@[\w.-]{1,50})?/{1,2})?(?P<cls>[\w$.]+)\.(?P<meth>[\w$<>]+)\((?P<fname>[\w$]+\.(?:java|kt|groovy|scala)):(?P<line>\d+)\)")
LIB_FRAME = re.compile(r"^(?:java|javax|jdk|sun|org\.junit|org\.opentest4j|org\.assertj|org\.hamcrest|junit|org\.apache\.maven|org\.gradle|kotlin|org\.mockito|org\.testng)\.")


def source_path(cls: str, fname: str) -> str:
    """``com.acme.shop.CartTest`` + ``CartTest.java`` -> ``com/acme/shop/CartTest.java``."""
    pkg = cls.split("$", 1)[0].rsplit(".", 1)[0] if "." in cls else ""
    return f"{pkg.replace('.', '/')}/{fname}" if pkg else fname


def project_frame(win: Window, start: int, count: int = 40) -> tuple[str, int] | None:
    """The innermost stack frame below ``start`` that is not JDK/test-framework code: the code under test
    when it threw, the test method when an assertion failed."""
    seen_frame = False
    for _, text in win.after(count, start):
        m = FRAME.match(text)
        if not m:
            if seen_frame and not text.strip():
                break  # the end of this stack trace
            continue
        seen_frame = True
        if not LIB_FRAME.match(m["cls"]):
            return source_path(m["cls"], m["fname"]), int(m["line"])
    return None


def rule_doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"
