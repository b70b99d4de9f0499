"""Shared helpers of the Go signatures."""

from __future__ import annotations

from devops_agent.signatures.base import doc  # noqa: F401 - shared by this package's rule modules

ECO = "go"


