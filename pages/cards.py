"""Share cards: the PNG a link preview shows (og:image), drawn with Pillow.

The fonts ship with the code (static/fonts, DejaVu, with its licence), so a card
renders the same on every server. A card is flat colour and text, which PNG
compresses to a few tens of kilobytes.
"""

from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND = (17, 20, 26)
FOREGROUND = (233, 236, 242)
MUTED = (174, 182, 197)
ACCENTS = ((127, 176, 255), (255, 157, 116))
FONT_DIR = settings.BASE_DIR / "static" / "fonts"


@dataclass(frozen=True)
class CardLine:
    text: str
    size: int
    bold: bool = False
    colour: tuple[int, int, int] = FOREGROUND


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _fitted(draw: ImageDraw.ImageDraw, line: CardLine, width: int):
    """The line's font, smaller until the text fits; cut with "…" past the smallest."""
    size, text = line.size, line.text
    font = _font(size, line.bold)
    while draw.textlength(text, font=font) > width and size > line.size // 2:
        size -= 4
        font = _font(size, line.bold)
    while draw.textlength(text, font=font) > width and len(text) > 1:
        text = text[:-2] + "…"
    return font, text


def card_png(*, lines: list[CardLine], accent: int = 0) -> bytes:
    """A 1200×630 PNG: the site's name, then the lines top to bottom."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENTS[accent % len(ACCENTS)])
    draw.text((MARGIN, 48), "Versus", font=_font(36, True), fill=MUTED)
    y = 130
    for line in lines:
        font, text = _fitted(draw, line, WIDTH - 2 * MARGIN)
        draw.text((MARGIN, y), text, font=font, fill=line.colour)
        y += int(font.size * 1.35)
    draw.text(
        (MARGIN, HEIGHT - 72),
        "Prices per million tokens at the cheapest provider",
        font=_font(24, False),
        fill=MUTED,
    )
    # A handful of colours: a palette image is a third of the RGB one's size.
    quantised = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = BytesIO()
    quantised.save(out, format="PNG", optimize=True)
    return out.getvalue()
