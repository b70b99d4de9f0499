"""Fixing: fixers per rule, guardrails, validation in a scratch git worktree, apply and undo."""
