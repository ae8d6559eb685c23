"""Settings: defaults, environment, TOML file, and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostcity.core.errors import ConfigError
from hostcity.core.settings import ensure_data_dir, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("HOSTCITY_") and not key.startswith("HOSTCITY_TEST_"):
            monkeypatch.delenv(key)


def test_defaults_use_sqlite_in_the_data_dir() -> None:
    settings = load_settings()
    assert settings.data_dir == Path("./hostcity-data")
    assert settings.database_kind == "sqlite"
    assert settings.resolved_database_url.endswith("hostcity-data/hostcity.db")


def test_environment_overrides_nested_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTCITY_PORT", "9001")
    monkeypatch.setenv("HOSTCITY_BRAIN__TWIN_SPEED", "25")
    settings = load_settings()
    assert settings.port == 9001
    assert settings.brain.twin_speed == 25


def test_toml_file_is_read(tmp_path: Path) -> None:
    config = tmp_path / "hostcity.toml"
    config.write_text("port = 9100\n[replay]\nmax_clip_s = 30\n")
    settings = load_settings(config)
    assert settings.port == 9100
    assert settings.replay.max_clip_s == 30


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        pytest.param({"database_url": "::nonsense::"}, "database_url", id="unparseable-url"),
        pytest.param({"database_url": "mysql://x/y"}, "unsupported database", id="wrong-db"),
        pytest.param({"port": 70000}, "port", id="port-range"),
        pytest.param({"brain": {"twin_speed": -1}}, "brain.twin_speed", id="negative-speed"),
        pytest.param(
            {"brain": {"detector_interval_s": 60, "loop_interval_s": 7}},
            "whole multiple of loop_interval_s",
            id="loop-reads-do-not-fill-a-stored-reading",
        ),
    ],
)
def test_bad_settings_name_the_setting(overrides: dict[str, object], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment) as info:
        load_settings(**overrides)
    assert info.value.hint


def test_bad_toml_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("port = = 1\n")
    with pytest.raises(ConfigError, match="TOML"):
        load_settings(config)


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_unwritable_data_dir_names_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings = load_settings(data_dir=blocker / "sub")
    with pytest.raises(ConfigError, match="HOSTCITY_DATA_DIR"):
        ensure_data_dir(settings)


@pytest.mark.parametrize(
    ("secret", "placeholder"),
    [
        pytest.param("change-me", True, id="default"),
        pytest.param("short", True, id="too-short"),
        pytest.param("f3a9c1e07b5d4e2a9c8b7a6d5e4f3a2b", False, id="random"),
    ],
)
def test_placeholder_secrets_are_recognised(secret: str, placeholder: bool) -> None:
    assert load_settings(secret_key=secret).has_placeholder_secret() is placeholder


def test_loops_are_read_no_less_often_than_readings_are_stored() -> None:
    assert load_settings().brain.loop_read_s == 10.0
    assert load_settings(brain={"detector_interval_s": 5}).brain.loop_read_s == 5.0
