"""The clip spec: parsing, validation against a camera set, and its canonical hash."""

from __future__ import annotations

from typing import Any

import pytest

from hostcity.core.errors import InputError, NotFoundError, ValidationFailed
from hostcity.replay.clips.spec import ClipFormat, ClipSpec, Loudness, validate_against_set
from hostcity.replay.types import CameraSet

BASE: dict[str, Any] = {"set": "test-set", "angles": ["cam1"], "start_s": 1.0, "end_s": 3.0}


def test_spec_round_trips_through_json() -> None:
    spec = ClipSpec.parse({**BASE, "format": "vertical", "loudness": "broadcast"})
    again = ClipSpec.parse(spec.model_dump(mode="json"))
    assert again == spec
    assert spec.format is ClipFormat.VERTICAL and spec.format.size == (1080, 1920)
    assert spec.loudness is Loudness.BROADCAST and spec.loudness.lufs == -23.0


def test_angles_accept_a_comma_list() -> None:
    assert ClipSpec.parse({**BASE, "angles": "cam1, cam2"}).angles == ("cam1", "cam2")


def test_digest_ignores_key_order_and_tracks_content() -> None:
    one = ClipSpec.parse(dict(BASE))
    two = ClipSpec.parse(dict(reversed(list(BASE.items()))))
    other = ClipSpec.parse({**BASE, "end_s": 3.5})
    assert one.digest() == two.digest()
    assert one.digest() != other.digest()


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        pytest.param({"end_s": 0.5}, "spec", id="end-before-start"),
        pytest.param({"format": "portrait"}, "format", id="unknown-format"),
        pytest.param({"angles": []}, "angles", id="no-angle"),
        pytest.param({"slowmo": {"start_s": 2.5, "end_s": 4.0}}, "spec", id="slowmo-outside"),
        pytest.param({"sweep": {"at_s": 9.0}}, "spec", id="sweep-outside"),
        pytest.param({"loudness": "loud"}, "loudness", id="unknown-loudness"),
        pytest.param({"colour": "red"}, "colour", id="unknown-field"),
        pytest.param(
            {"branding": {"event_name": "X", "background": "blue"}}, "branding", id="bad-colour"
        ),
    ],
)
def test_bad_specs_name_the_field(changes: dict[str, Any], where: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        ClipSpec.parse({**BASE, **changes})
    assert caught.value.where is not None and caught.value.where.startswith(where)
    assert "bad clip spec" in caught.value.message


def test_window_outside_the_recording_is_refused(camera_set: CameraSet) -> None:
    spec = ClipSpec.parse({**BASE, "angles": ["cam3"], "start_s": 0.2, "end_s": 2.0})
    with pytest.raises(InputError, match="outside camera 'cam3'"):
        validate_against_set(spec, camera_set, max_clip_s=120)


def test_window_past_the_end_is_refused(camera_set: CameraSet) -> None:
    spec = ClipSpec.parse({**BASE, "start_s": 6.0, "end_s": 9.0})
    with pytest.raises(InputError, match=r"covers 0\.000-8\.000 s"):
        validate_against_set(spec, camera_set, max_clip_s=120)


def test_unknown_camera_names_the_known_ones(camera_set: CameraSet) -> None:
    spec = ClipSpec.parse({**BASE, "angles": ["cam9"]})
    with pytest.raises(NotFoundError) as caught:
        validate_against_set(spec, camera_set, max_clip_s=120)
    assert "cam9" in caught.value.message and "cam1, cam2, cam3" in str(caught.value.hint)


def test_unknown_replay_camera_is_refused(camera_set: CameraSet) -> None:
    spec = ClipSpec.parse({**BASE, "replay": {"start_s": 1.5, "end_s": 2.0, "cameras": ["x"]}})
    with pytest.raises(NotFoundError):
        validate_against_set(spec, camera_set, max_clip_s=120)


def test_too_long_counts_everything_added(camera_set: CameraSet) -> None:
    spec = ClipSpec.parse(
        {**BASE, "slowmo": {"start_s": 1.0, "end_s": 3.0, "factor": 4}, "title": {"text": "T"}}
    )
    validate_against_set(spec, camera_set, max_clip_s=10.1)  # 2 + 6 extra + 2 title = 10 s
    with pytest.raises(InputError, match="longer than the 9 s maximum") as caught:
        validate_against_set(spec, camera_set, max_clip_s=9.0)
    assert "HOSTCITY_REPLAY__MAX_CLIP_S" in str(caught.value.hint)
