"""Shared helpers of the Rust signatures."""

from __future__ import annotations

ECO = "rust"


def doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"
