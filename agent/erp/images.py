"""Product images: what the ERP accepts (checked with Pillow), and a pool of generated sample images.

Accepted: JPEG, PNG or WebP, at least 124 x 124 pixels (the marketplace's minimum). The sample
pool draws a few distinct colours and patterns once and hands out their bytes, so seeding a
hundred thousand products costs a handful of encodes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageDraw, UnidentifiedImageError

from agent.errors import InvalidItem, Phrase

MIN_SIDE = 124
MIME_BY_FORMAT = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True, slots=True)
class CheckedImage:
    """Image bytes that passed the check, with what the database stores next to them."""

    mime_type: str
    sha256: str
    width: int
    height: int
    content: bytes = field(repr=False)


def check_image(content: bytes) -> CheckedImage:
    """The image's type, size and sha256; InvalidItem (field "images") if it is not acceptable."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidItem(
            f"not a readable image ({exc})",
            field="images",
            phrase=Phrase("err.item.image_unreadable", {"reason": str(exc)}),
        ) from None
    mime = MIME_BY_FORMAT.get(image_format)
    if mime is None:
        said = Phrase("err.item.image_format", {"format": image_format})
        if not image_format:
            said = Phrase("err.item.image_format_unknown")
        raise InvalidItem(
            f"image format {image_format or 'unknown'} is not JPEG, PNG or WebP", field="images", phrase=said
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        raise InvalidItem(
            f"image is {width} x {height} px; at least {MIN_SIDE} x {MIN_SIDE} needed",
            field="images",
            phrase=Phrase("err.item.image_small", {"width": width, "height": height, "side": MIN_SIDE}),
        )
    return CheckedImage(mime, hashlib.sha256(content).hexdigest(), width, height, content)


PALETTE = (
    (46, 125, 50),
    (198, 40, 40),
    (21, 101, 192),
    (249, 168, 37),
    (106, 27, 154),
    (0, 131, 143),
    (93, 64, 55),
    (84, 110, 122),
)
PATTERNS = ("stripes", "dots", "checks", "frame")


def _draw(colour: tuple[int, int, int], pattern: str, side: int) -> Image.Image:
    image = Image.new("RGB", (side, side), (250, 250, 248))
    draw = ImageDraw.Draw(image)
    step = side // 8
    if pattern == "stripes":
        for x in range(0, side, step * 2):
            draw.rectangle((x, 0, x + step - 1, side), fill=colour)
    elif pattern == "dots":
        for x in range(step // 2, side, step * 2):
            for y in range(step // 2, side, step * 2):
                draw.ellipse((x, y, x + step, y + step), fill=colour)
    elif pattern == "checks":
        for x in range(0, side, step):
            for y in range(0, side, step):
                if (x // step + y // step) % 2 == 0:
                    draw.rectangle((x, y, x + step - 1, y + step - 1), fill=colour)
    else:
        draw.rectangle((step, step, side - step, side - step), outline=colour, width=step // 2)
        draw.ellipse((side // 3, side // 3, 2 * side // 3, 2 * side // 3), fill=colour)
    return image


@cache
def sample_pool() -> tuple[CheckedImage, ...]:
    """Every colour x pattern, as small PNGs (and every fourth as JPEG), checked like any upload."""
    pool: list[CheckedImage] = []
    for i, colour in enumerate(PALETTE):
        for j, pattern in enumerate(PATTERNS):
            buffer = io.BytesIO()
            image = _draw(colour, pattern, 160)
            if (i + j) % 4 == 3:
                image.save(buffer, format="JPEG", quality=80)
            else:
                image.save(buffer, format="PNG", optimize=True)
            pool.append(check_image(buffer.getvalue()))
    return tuple(pool)
