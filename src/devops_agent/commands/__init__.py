"""Command implementations (one module per command; the CLI stays thin)."""
