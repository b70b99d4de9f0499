"""`devops-agent config`: every setting, its value and where it came from."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def run_config(repo: Path | None, fmt: str) -> int:
    from devops_agent.config import load_settings

    settings = load_settings(repo or Path.cwd(), {})
    rows = settings.items()
    if fmt == "json":
        doc = {dotted: {"value": value, "source": source} for dotted, value, source in rows}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    width = max(len(d) for d, _, _ in rows)
    for dotted, value, source in rows:
        shown = json.dumps(value) if not isinstance(value, str) else value
        sys.stdout.write(f"{dotted:<{width}} = {shown:<30} ({source})\n")
    return 0
