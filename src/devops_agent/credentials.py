"""Tokens for GitHub, GitLab and the LLM provider: the environment first, then the OS keyring.

Nothing is ever written to a plain file. On a headless Linux box the keyring's default backend
raises (or is the "fail" backend); every keyring error is caught and turned into a clear message
that names both ways to provide the token.
"""

from __future__ import annotations

import os

from devops_agent.errors import CredentialError, UsageError

SERVICE = "devops-agent"
KINDS: dict[str, tuple[str, ...]] = {
    "github": ("GITHUB_TOKEN", "GH_TOKEN"),
    "gitlab": ("GITLAB_TOKEN",),
    "llm": ("DEVOPS_AGENT_LLM_API_KEY",),
}


def check_kind(kind: str) -> tuple[str, ...]:
    if kind not in KINDS:
        raise UsageError(f"unknown credential kind {kind!r}", f"use one of: {', '.join(KINDS)}")
    return KINDS[kind]


def keyring_backend() -> tuple[object | None, str]:
    """(a usable keyring module, or None) and a description of the backend."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception as exc:  # noqa: BLE001 - broken installs count as no keyring
        return None, f"the keyring library cannot load ({type(exc).__name__})"
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001
        return None, f"no keyring backend ({type(exc).__name__}: {exc})"
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None, "no usable keyring backend on this machine (headless systems often have none)"
    return keyring, type(backend).__name__


def get_token(kind: str) -> str:
    names = check_kind(kind)
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    kr, why = keyring_backend()
    if kr is not None:
        try:
            value = kr.get_password(SERVICE, kind)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a locked or broken keyring is "not found"
            value = None
        if value:
            return value
    provider = " (or the provider's own variable, e.g. OPENAI_API_KEY, which litellm reads)" if kind == "llm" else ""
    raise CredentialError(
        f"no {kind} token found",
        f"set {' or '.join(names)}{provider}, or store one with `devops-agent login {kind}`"
        + ("" if kr is not None else f"; note: {why}"),
    )


def store_token(kind: str, token: str) -> str:
    """Save ``token`` in the keyring; return the backend's name. Never falls back to a file."""
    check_kind(kind)
    if not token.strip():
        raise UsageError("empty token", "paste the token, or pipe it with --with-token")
    kr, why = usable_keyring(kind)
    try:
        kr.set_password(SERVICE, kind, token.strip())  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001
        raise CredentialError(f"the keyring refused the token ({type(exc).__name__}: {exc})",
                              f"set {' or '.join(KINDS[kind])} in your environment instead") from None
    return why


def usable_keyring(kind: str) -> tuple[object, str]:
    kr, why = keyring_backend()
    if kr is None:
        names = " or ".join(KINDS[kind])
        raise CredentialError(f"cannot store the token: {why}", f"set {names} in your environment instead")
    return kr, why
