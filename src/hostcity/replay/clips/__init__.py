"""Clips: the edit decision list, FFmpeg filter-graph rendering, reframing and loudness."""

from hostcity.replay.clips.edl import Edl, Segment, SegmentKind, TextOverlay, build_edl
from hostcity.replay.clips.reframe import CropPath, inside_share, plan_crop_path, rms_jerk
from hostcity.replay.clips.service import ClipInfo, ClipsService, clip_key
from hostcity.replay.clips.spec import ClipFormat, ClipSpec, Loudness, validate_against_set

__all__ = [
    "ClipFormat",
    "ClipInfo",
    "ClipSpec",
    "ClipsService",
    "CropPath",
    "Edl",
    "Loudness",
    "Segment",
    "SegmentKind",
    "TextOverlay",
    "build_edl",
    "clip_key",
    "inside_share",
    "plan_crop_path",
    "rms_jerk",
    "validate_against_set",
]
