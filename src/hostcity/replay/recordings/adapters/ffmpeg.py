"""Finds the FFmpeg binary when it is needed, from the imageio-ffmpeg package."""

from __future__ import annotations

from hostcity.core.errors import DependencyError


def ffmpeg_exe() -> str:
    """Path of the static FFmpeg binary shipped by imageio-ffmpeg.

    Raises:
        DependencyError: when the binary cannot be found, with how to install it.
    """
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise DependencyError(
            f"FFmpeg is not available: {exc}",
            hint="pip install imageio-ffmpeg, or set IMAGEIO_FFMPEG_EXE to an ffmpeg binary",
        ) from exc
