"""kcdesk."""
