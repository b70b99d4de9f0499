"""Shared helpers of the JavaScript/TypeScript signatures: stack frames, package names, docs."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Window

ECO = "node"

# A stack frame `at fn (path:l:c)` / `at path:l:c` / vitest's `❯ path:l:c`.
JS_FRAME = re.compile(
    r"^\s*(?:at (?:async )?(?:[^\n()]{1,300} \()?|❯ (?:\S{1,200} )?)(?P<file>(?:file://)?[^\s()]{1,400}?\.(?:[cm]?[jt]sx?|vue|svelte)):(?P<line>\d+):\d+\)?\s*$"
)
OUTSIDE = re.compile(r"node_modules/|^node:|/node/|internal/|<anonymous>")


def rule_doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"


def user_frame(win: Window, start: int, count: int = 30) -> tuple[str, int] | None:
    for _, text in win.after(count, start):
        m = JS_FRAME.match(text)
        if m and not OUTSIDE.search(m["file"]):
            return m["file"], int(m["line"])
    return None


def package_of(spec: str) -> str:
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") and len(parts) > 1 else parts[0]
