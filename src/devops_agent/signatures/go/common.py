"""Shared helpers of the Go signatures."""

from __future__ import annotations

ECO = "go"


def doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"
