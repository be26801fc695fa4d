"""kcdesk — the desktop workstation of provincial Industrial Extension Centres."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kcdesk")
except PackageNotFoundError:  # frozen bundle without metadata
    __version__ = "0.1.0"
