"""Template encryption with rotating keys, and the 1:N index against plain numpy."""

from __future__ import annotations

import base64
import os

import numpy as np
import pytest

from hostcity.core.errors import ConfigError, InputError, StorageError
from hostcity.smartpass.faces.adapters.index import TemplateIndex
from hostcity.smartpass.faces.crypto import DERIVED_KEY_ID, KeyRing, Sealed
from hostcity.smartpass.faces.gallery import Gallery


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _unit(rng: np.random.Generator, n: int, dim: int = 128) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_seal_round_trip_hides_the_floats() -> None:
    ring = KeyRing.from_settings({}, "a-secret-of-sufficient-length")
    vector = _unit(np.random.default_rng(0), 1)[0]
    sealed = ring.seal(vector, aad=b"holder:1")
    assert sealed.key_id == DERIVED_KEY_ID
    assert vector.tobytes() not in sealed.blob
    assert np.array_equal(ring.open(sealed, aad=b"holder:1"), vector)


def test_wrong_holder_or_tampering_fails_integrity() -> None:
    ring = KeyRing.from_settings({}, "a-secret-of-sufficient-length")
    sealed = ring.seal(np.ones(128, np.float32), aad=b"holder:1")
    with pytest.raises(StorageError, match="integrity"):
        ring.open(sealed, aad=b"holder:2")
    flipped = bytes([sealed.blob[20] ^ 1])
    tampered = Sealed(sealed.key_id, sealed.blob[:20] + flipped + sealed.blob[21:])
    with pytest.raises(StorageError, match="integrity"):
        ring.open(tampered, aad=b"holder:1")


def test_key_rotation_keeps_old_templates_readable() -> None:
    old_key, new_key = _key(), _key()
    old = KeyRing.from_settings({"k1": old_key}, "secret-0123456789")
    sealed = old.seal(np.ones(128, np.float32), aad=b"h")
    rotated = KeyRing.from_settings({"k1": old_key, "k2": new_key}, "secret-0123456789")
    assert rotated.current_id == "k2"
    assert rotated.seal(np.ones(128, np.float32), aad=b"h").key_id == "k2"
    assert rotated.open(sealed, aad=b"h")[0] == 1.0
    dropped = KeyRing.from_settings({"k2": new_key}, "secret-0123456789")
    with pytest.raises(StorageError, match="unknown key id 'k1'"):
        dropped.open(sealed, aad=b"h")


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param({"k": "not base64!"}, id="not-base64"),
        pytest.param({"k": base64.b64encode(b"short").decode()}, id="short"),
    ],
)
def test_bad_keys_are_config_errors(keys: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        KeyRing.from_settings(keys, "secret-0123456789")


@pytest.mark.parametrize(
    "exact_limit", [pytest.param(10_000, id="exact"), pytest.param(500, id="ivf")]
)
def test_index_finds_what_numpy_finds(exact_limit: int) -> None:
    rng = np.random.default_rng(3)
    base = _unit(rng, 2000)
    index = TemplateIndex(exact_limit=exact_limit, nprobe=64)
    index.add(list(range(100, 2100)), base)
    assert index.approximate == (exact_limit < 2000)
    probes = base[:50] + 0.05 * _unit(rng, 50)
    for probe in probes:
        best = int(np.argmax(base @ probe)) + 100
        assert index.search(probe, 3)[0].template_id == best


def test_index_removal_is_immediate() -> None:
    rng = np.random.default_rng(4)
    base = _unit(rng, 300)
    index = TemplateIndex(exact_limit=100, nprobe=128)
    index.add(list(range(300)), base)
    assert index.search(base[7], 1)[0].template_id == 7
    assert index.remove([7, 9999]) == 1
    assert all(hit.template_id != 7 for hit in index.search(base[7], 5))
    assert len(index) == 299


def test_index_rejects_wrong_shapes() -> None:
    with pytest.raises(InputError, match="N x 128"):
        TemplateIndex().add([1], np.zeros((1, 64), np.float32))


def test_gallery_keeps_venues_apart_and_erases_everywhere() -> None:
    rng = np.random.default_rng(5)
    a, b = _unit(rng, 2)
    gallery = Gallery()
    gallery.add(holder_id=1, venue_ids=["v1", "v2"], templates=[(10, a)])
    gallery.add(holder_id=2, venue_ids=["v2"], templates=[(20, b)])
    assert gallery.search("v1", b) == {1: pytest.approx(float(a @ b))}
    assert set(gallery.search("v2", b)) == {1, 2}
    assert gallery.search("nowhere", a) == {}
    assert gallery.remove_holder(1) == 1
    assert set(gallery.search("v2", a)) == {2}
    assert gallery.search("v1", a) == {}
