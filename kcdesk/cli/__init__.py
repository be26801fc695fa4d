"""Headless commands (``kcdesk --help``): the same services as the GUI.

Each ``cmd_*.py`` module here defines ``register(registry)`` and adds its commands;
they are found at start, so a feature adds commands without editing a shared file.
"""
