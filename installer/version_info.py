"""Build a Windows version resource (VSVersionInfo) from the package version."""

from __future__ import annotations

import re
from pathlib import Path


def package_version(root: Path) -> str:
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise SystemExit("pyproject.toml has no version")
    return match.group(1)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    numbers += [0] * (4 - len(numbers))
    return numbers[0], numbers[1], numbers[2], numbers[3]


def write_version_file(root: Path, target: Path) -> Path:
    version = package_version(root)
    vt = version_tuple(version)
    target.write_text(
        f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={vt}, prodvers={vt}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('042a04b0', [
      StringStruct('CompanyName', 'Trung tâm Khuyến công'),
      StringStruct('FileDescription', 'kcdesk — bàn làm việc khuyến công'),
      StringStruct('FileVersion', '{version}'),
      StringStruct('InternalName', 'kcdesk'),
      StringStruct('OriginalFilename', 'kcdesk.exe'),
      StringStruct('ProductName', 'kcdesk'),
      StringStruct('ProductVersion', '{version}')])]),
    VarFileInfo([VarStruct('Translation', [0x042a, 1200])])
  ]
)
""",
        encoding="utf-8",
    )
    return target
