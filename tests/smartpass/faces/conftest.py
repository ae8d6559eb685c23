"""Faces fixtures: real face photos shipped in PyPI packages, and transformations of them."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageEnhance, ImageFilter

Rgb = NDArray[np.uint8]


@pytest.fixture(scope="session")
def astronaut() -> Rgb:
    """Eileen Collins, from scikit-image's sample data (512x512, face about 90 px)."""
    import skimage.data

    return np.ascontiguousarray(skimage.data.astronaut())


@pytest.fixture(scope="session")
def hopper() -> Rgb:
    """Grace Hopper, from matplotlib's sample data (face about 215 px)."""
    import matplotlib.cbook

    path = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    with Image.open(path) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB")))


def jpeg(rgb: Rgb, quality: int = 92) -> bytes:
    """JPEG bytes of an RGB array."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def transform(rgb: Rgb, kind: str) -> Rgb:
    """One named transformation of a photo, as a camera or a person would produce it."""
    image = Image.fromarray(rgb)
    steps: dict[str, Callable[[Image.Image], Image.Image]] = {
        "identity": lambda im: im,
        "rotate10": lambda im: im.rotate(10, resample=Image.Resampling.BILINEAR),
        "mirror": lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        "scale80": lambda im: im.resize((int(im.width * 0.8), int(im.height * 0.8))),
        "crop": lambda im: im.crop(
            (im.width // 8, 0, im.width - im.width // 8, im.height * 3 // 4)
        ),
        "blur1": lambda im: im.filter(ImageFilter.GaussianBlur(1)),
        "blur4": lambda im: im.filter(ImageFilter.GaussianBlur(4)),
        "dark": lambda im: ImageEnhance.Brightness(im).enhance(0.2),
        "bright": lambda im: ImageEnhance.Brightness(im).enhance(1.7),
        "dim": lambda im: ImageEnhance.Brightness(im).enhance(0.7),
        "shrink": lambda im: im.resize((int(im.width * 0.55), int(im.height * 0.55))),
    }
    return np.ascontiguousarray(np.asarray(steps[kind](image).convert("RGB")))


def gate_frame(face: Rgb, *, left: int = 120, top: int = 40) -> Rgb:
    """A 640x480 gate-camera frame with ``face`` pasted on a grey background."""
    frame = np.full((480, 640, 3), 90, dtype=np.uint8)
    height = min(face.shape[0], 480 - top)
    width = min(face.shape[1], 640 - left)
    frame[top : top + height, left : left + width] = face[:height, :width]
    return frame
