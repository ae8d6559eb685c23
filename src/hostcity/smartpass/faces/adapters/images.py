"""Decoding uploaded photos and camera frames (Pillow) into RGB arrays, with clear errors."""

from __future__ import annotations

import io
import warnings

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import DependencyError, InputError

MAX_SIDE_PX = 1280
MAX_PIXELS = 40_000_000


def decode_image(data: bytes, *, max_bytes: int, what: str = "photo") -> NDArray[np.uint8]:
    """An RGB uint8 array (H x W x 3), EXIF-rotated, its long side at most 1,280 px.

    Raises:
        InputError: when the bytes are empty, too large, or not a JPEG/PNG/WebP/BMP image.
    """
    try:
        from PIL import Image, ImageOps
    except ImportError as exc:
        raise DependencyError("Pillow is not installed", hint="pip install pillow") from exc
    if not data:
        raise InputError(f"the {what} is empty", hint="send a JPEG or PNG file")
    if len(data) > max_bytes:
        raise InputError(
            f"the {what} is {len(data) / 1e6:.1f} MB; at most {max_bytes / 1e6:.1f} MB is accepted",
            hint="send a smaller JPEG (a 1280x960 photo is plenty)",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            if opened.width * opened.height > MAX_PIXELS:
                raise InputError(
                    f"the {what} is {opened.width}x{opened.height} pixels, too many to process",
                    hint="send a photo of at most 40 megapixels",
                )
            opened.load()
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except InputError:
        raise
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as exc:
        raise InputError(
            f"the {what} is not a readable image ({type(exc).__name__})",
            hint="send a JPEG, PNG or WebP file",
        ) from None
    if max(image.size) > MAX_SIDE_PX:
        scale = MAX_SIDE_PX / max(image.size)
        image = image.resize(
            (round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR
        )
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


def encode_jpeg(rgb: NDArray[np.uint8], quality: int = 90) -> bytes:
    """JPEG bytes of an RGB array (tests, the benchmark, kept photos)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
