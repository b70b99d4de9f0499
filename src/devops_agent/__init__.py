"""devops-agent: a local-first DevOps agent for failing builds."""

__version__ = "0.1.0"
