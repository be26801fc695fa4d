"""Use cases and rules (no Qt): the UI and the CLI call these."""
