"""Opening the Settings screen must not load pyHanko (seconds on a slow PC): the
signing store and its panel import only light modules."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import kcdesk.ui.sections.settings
import kcdesk.services.signing.store
print(sorted(m for m in ("pyhanko", "docx") if m in sys.modules))
"""


def test_settings_screen_does_not_load_pyhanko() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
