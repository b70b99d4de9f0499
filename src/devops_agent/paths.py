"""The one overridable home directory (``DEVOPS_AGENT_HOME``), like simonw/llm's ``user_dir``."""

from __future__ import annotations

import os
from pathlib import Path


def home_dir() -> Path:
    """Where the history database, crash reports and caches live (created on demand)."""
    env = os.environ.get("DEVOPS_AGENT_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("devops-agent", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
