"""`devops-agent login github|gitlab|llm`: store a token in the OS keyring (never in a file)."""

from __future__ import annotations

import sys

from devops_agent.credentials import check_kind, store_token, usable_keyring
from devops_agent.errors import UsageError


def run_login(kind: str, with_token: bool) -> int:
    """Read the token (hidden prompt, or stdin with ``--with-token`` as gh does) and store it."""
    import getpass

    check_kind(kind)
    usable_keyring(kind)  # say so before asking for a secret that cannot be kept
    if with_token:
        token = sys.stdin.read().strip()
    else:
        if not sys.stdin.isatty():
            raise UsageError("no terminal to prompt for the token", "pipe it in with --with-token")
        token = getpass.getpass(f"{kind} token (input hidden): ").strip()
    backend = store_token(kind, token)
    sys.stdout.write(f"stored the {kind} token in the keyring ({backend})\n")
    return 0
