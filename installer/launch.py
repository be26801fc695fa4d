"""Frozen entry point: the same ``kcdesk`` command as the source install."""

import multiprocessing
import sys

from kcdesk.cli.main import main

if __name__ == "__main__":
    # A pack import's helper process (kcdesk/services/exchange/helper.py) starts this
    # executable again: here it becomes the helper instead of a second kcdesk.
    multiprocessing.freeze_support()
    sys.exit(main())
