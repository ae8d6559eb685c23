"""The one typed settings object: environment ``HOSTCITY_*``, an optional TOML file, defaults."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from hostcity.core.errors import ConfigError

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev", "development"})
CONFIG_ENV = "HOSTCITY_CONFIG"


class BrainSettings(BaseModel):
    """City Brain: the traffic twin, controllers, forecasting."""

    scenario: str = Field(default="demo", description="'demo' or a path to a .sumocfg / .net.xml")
    twin_enabled: bool = True
    twin_speed: float = Field(default=10.0, gt=0, description="simulated seconds per wall second")
    detector_interval_s: float = Field(
        default=60.0, gt=0, description="simulated seconds a stored loop reading covers"
    )
    loop_interval_s: float = Field(
        default=10.0,
        gt=0,
        description="simulated seconds between two reads of the twin's loops: the stream live "
        "incident detection watches (each stored reading sums the reads it covers)",
    )
    controller: str = "hostcity"
    seed: int = 42
    demo_history_days: int = Field(
        default=2,
        ge=0,
        le=60,
        description="days of the demo city's loop readings 'hostcity demo' records in the "
        "background to train its forecast model (0: record none)",
    )
    demo_history_hours: float | None = Field(
        default=None,
        gt=0,
        description="record only the first hours of those days (quick test runs)",
    )
    sensor_graph: Path | None = Field(
        default=None,
        description="CSV of from,to[,distance] detector ids, one row per pair where traffic "
        "passes 'from' and then 'to': links real sensors for live incident detection and "
        "forecasting (the twin's loops are linked by its road network); unset: real sensors "
        "are linked to those on the same road segment only",
    )

    mqtt_url: str | None = Field(
        default=None,
        description="the MQTT broker sensors publish their readings to, e.g. mqtt://host:1883 "
        "(mqtts:// for TLS, mqtt://user:password@host for a login); unset: no MQTT feed",
    )
    mqtt_topic: str = Field(
        default="hostcity/traffic/#",
        description="topic filter of the sensors' messages: each one NGSI-LD TrafficFlowObserved "
        "entity or a JSON array of them",
    )
    mqtt_group: str | None = Field(
        default="hostcity",
        description="shared-subscription group ($share/GROUP/topic), so that several servers "
        "split the stream instead of each storing all of it; empty: a plain subscription",
    )
    mqtt_alert_topic: str | None = Field(
        default="hostcity/alerts/cap",
        description="where each new incident's CAP 1.2 alert is published on that broker, "
        "as TOPIC/INCIDENT_ID (QoS 1); empty: alerts go to webhooks only",
    )
    mqtt_client_id: str | None = Field(
        default=None,
        description="the feed's MQTT client id, which keeps its session (and the messages "
        "queued while it was away) across restarts; one per server (default hostcity-HOSTNAME)",
    )

    @model_validator(mode="after")
    def _reads_fill_stored_readings(self) -> BrainSettings:
        reads = self.detector_interval_s / min(self.loop_interval_s, self.detector_interval_s)
        if abs(reads - round(reads)) > 1e-6:
            raise ValueError(
                f"detector_interval_s ({self.detector_interval_s:g}) must be a whole multiple "
                f"of loop_interval_s ({self.loop_interval_s:g})"
            )
        return self

    @property
    def loop_read_s(self) -> float:
        """How often the twin reads its loops (never less often than it stores a reading)."""
        return min(self.loop_interval_s, self.detector_interval_s)


class SmartPassSettings(BaseModel):
    """Smart Pass: faces at gates, athletes, trips, venue egress."""

    template_keys: dict[str, str] = Field(
        default_factory=dict,
        description="key id -> base64 AES-256 key for face templates; the last one encrypts",
    )
    target_far: float = Field(default=1e-4, gt=0, lt=1)
    keep_photos: bool = False
    max_image_bytes: int = 8_000_000
    rate_limit_per_minute: int = 120
    enrol_jitters: int = Field(
        default=8,
        ge=0,
        le=100,
        description="dlib random jitters averaged into each enrolled template (0: none); "
        "each costs one ResNet pass at enrolment only, never at the gate",
    )


class ReplaySettings(BaseModel):
    """Replay Studio: recordings, renders, highlights."""

    max_clip_s: float = Field(default=120.0, gt=0)
    render_threads: int = Field(default=2, ge=1)


class Settings(BaseSettings):
    """Every setting HostCity reads. Pass it down explicitly; build it with ``load_settings``."""

    model_config = SettingsConfigDict(
        env_prefix="HOSTCITY_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("./hostcity-data")
    database_url: str | None = None
    secret_key: str = "change-me"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    job_workers: int = Field(default=2, ge=1, le=64)
    public_url: str | None = None

    brain: BrainSettings = Field(default_factory=BrainSettings)
    smartpass: SmartPassSettings = Field(default_factory=SmartPassSettings)
    replay: ReplaySettings = Field(default_factory=ReplaySettings)

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(
                f"cannot parse database URL {value!r}: use sqlite:///path/file.db "
                "or postgresql+psycopg://user@host:5432/db"
            ) from exc
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError(
                f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql"
            )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        del dotenv_settings, file_secret_settings  # no .env or secret dirs: one source of truth
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if settings_cls.model_config.get("toml_file"):
            sources.append(TomlConfigSettingsSource(settings_cls))
        return tuple(sources)

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hostcity.db').resolve()}"

    @property
    def database_kind(self) -> str:
        """'sqlite' or 'postgresql'."""
        return "postgresql" if self.resolved_database_url.startswith("postgresql") else "sqlite"

    @property
    def media_dir(self) -> Path:
        """Where recordings, renders and other files live."""
        return self.data_dir / "media"

    def has_placeholder_secret(self) -> bool:
        """True when ``secret_key`` is unset, a placeholder, or too short to be a real secret."""
        return self.secret_key.strip().lower() in PLACEHOLDER_SECRETS or len(self.secret_key) < 16


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from overrides, the environment and an optional TOML file.

    Raises:
        ConfigError: naming the first bad setting and how to fix it.
    """
    if config_file is None and os.environ.get(CONFIG_ENV):
        config_file = Path(os.environ[CONFIG_ENV])
    settings_cls = Settings
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(
                f"config file {config_file} does not exist",
                hint=f"pass the path of a TOML file, or unset {CONFIG_ENV}",
            )

        class FileSettings(Settings):
            model_config = SettingsConfigDict(**{**Settings.model_config, "toml_file": config_file})

        settings_cls = FileSettings
    try:
        return settings_cls(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"bad setting {where or '(root)'}: {first['msg']}",
            hint=f"fix HOSTCITY_{where.upper().replace('.', '__')} or the config file",
        ) from exc
    except Exception as exc:  # a TOML syntax error surfaces as a plain exception
        if type(exc).__name__ == "TOMLDecodeError":
            raise ConfigError(f"config file is not valid TOML: {exc}") from exc
        raise


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built once on first use."""
    return load_settings()


def ensure_data_dir(settings: Settings) -> Path:
    """Create the data directory and check it is writable.

    Raises:
        ConfigError: when the directory cannot be created or written.
    """
    path = settings.data_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"data directory {path} is not writable ({exc.strerror})",
            hint="set HOSTCITY_DATA_DIR to a directory you can write, or fix its permissions",
        ) from exc
    return path
