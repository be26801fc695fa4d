"""Frozen entry point: the same ``kcdesk`` command as the source install."""

import sys

from kcdesk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
