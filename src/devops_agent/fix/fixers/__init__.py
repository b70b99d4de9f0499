"""The built-in fixers, one module per kind (listed in devops_agent.fix.registry)."""
