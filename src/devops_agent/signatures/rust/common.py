"""Shared helpers of the Rust signatures."""

from __future__ import annotations

from devops_agent.signatures.base import doc  # noqa: F401 - shared by this package's rule modules

ECO = "rust"


