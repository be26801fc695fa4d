"""The settings section's panels: organisation, users and roles, my password, backup."""
