"""The error family and exit codes (see shared CONTRACT.md).

Library code raises these; only ``cli.main`` turns them into a stderr line and an exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NOT_DELIVERED = 1  # ran, but could not deliver (no validated fix, block verdict, ...)
    USAGE = 2  # usage error or unusable input
    INTERNAL = 3  # a bug in devops-agent


class DevopsAgentError(Exception):
    """An expected failure with a message and a hint on how to fix it."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class UsageError(DevopsAgentError):
    """Bad arguments or unusable input: exit 2."""

    exit_code = ExitCode.USAGE


class InputError(UsageError):
    """A log, repository or file that cannot be used: exit 2."""


class ConfigError(UsageError):
    """A malformed or invalid configuration file or value: exit 2."""


class NotDelivered(DevopsAgentError):
    """The command ran but could not deliver (e.g. no fix passed validation): exit 1."""

    exit_code = ExitCode.NOT_DELIVERED


class CredentialError(UsageError):
    """A token could not be found: exit 2, naming the ways to provide it."""
