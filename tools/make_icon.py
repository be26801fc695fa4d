"""Draw the kcdesk application icon and write resources/icons/kcdesk.png and .ico.

The .ico holds PNG images at 16–256 px (Windows Vista+ reads PNG-in-ICO).
Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python tools/make_icon.py
"""

from __future__ import annotations

import struct
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPainterPath

from kcdesk import paths

SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    margin = size * 0.06
    path.addRoundedRect(
        QRectF(margin, margin, size - 2 * margin, size - 2 * margin), size * 0.18, size * 0.18
    )
    painter.fillPath(path, QColor("#b3261e"))
    # A gear-like ring for industry and a star for the national emblem colours.
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#ffd54f"))
    font = QFont("Liberation Sans", max(6, int(size * 0.42)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffd54f"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "KC")
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> None:
    app = QGuiApplication([])
    from kcdesk.ui.fonts import register_fonts

    register_fonts()
    out = paths.resources_dir() / "icons"
    out.mkdir(parents=True, exist_ok=True)
    images = [png_bytes(draw(s)) for s in SIZES]
    (out / "kcdesk.png").write_bytes(images[-1])
    header = struct.pack("<HHH", 0, 1, len(SIZES))
    offset = 6 + 16 * len(SIZES)
    entries = b""
    for size, data in zip(SIZES, images, strict=True):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    Path(out / "kcdesk.ico").write_bytes(header + entries + b"".join(images))
    del app


if __name__ == "__main__":
    main()
