"""The picture of a visible signature, composed with Pillow from the Settings' images.

The text (organisation's name, signing time, signer's name) is drawn into the picture
with the bundled Liberation Serif, so the stamp looks the same in every PDF reader.
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from kcdesk import paths
from kcdesk.services.signing.credentials import SigningError

SCALE = 4  # pixels per PDF point: sharp when printed


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(BytesIO(data))
        image.load()
    except Exception as exc:
        raise SigningError("Hình chữ ký hoặc con dấu trong Cài đặt không đọc được.") from exc
    return image.convert("RGBA")


def _font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(paths.resources_dir() / "fonts" / "LiberationSerif-Regular.ttf"), size_px
    )


def _fit_inside(image: Image.Image, width: int, height: int) -> Image.Image:
    ratio = min(width / image.width, height / image.height)
    return image.resize((max(1, int(image.width * ratio)), max(1, int(image.height * ratio))))


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and draw.textlength(trial, font=font) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def compose(
    box: tuple[int, int, int, int], image: bytes | None, text: str, *, text_colour: str
) -> Image.Image:
    """A transparent picture the size of ``box`` (PDF points): the image centred, and
    ``text`` written over its lower half."""
    width = (box[2] - box[0]) * SCALE
    height = (box[3] - box[1]) * SCALE
    canvas = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if image:
        picture = _fit_inside(_open(image), width, height)
        canvas.alpha_composite(
            picture, ((width - picture.width) // 2, (height - picture.height) // 2)
        )
    if text:
        draw = ImageDraw.Draw(canvas)
        font = _font(7 * SCALE)
        lines = _wrap(draw, text, font, width - 2 * SCALE)
        line_h = 9 * SCALE
        top = height - len(lines) * line_h - SCALE if image else (height - len(lines) * line_h) // 2
        for n, line in enumerate(lines):
            length = draw.textlength(line, font=font)
            draw.text(((width - length) / 2, top + n * line_h), line, font=font, fill=text_colour)
    return canvas
