"""Errors of the forecast feature, each a subclass of the HostCity tree."""

from __future__ import annotations

from hostcity.core.errors import HostCityError, InputError, NotFoundError


class ForecastDataError(InputError):
    """A series or sensor graph cannot be used for forecasting."""

    code = "forecast_bad_data"


class ForecastConfigError(InputError):
    """A learned-model setting that is not one of the allowed values."""

    code = "forecast_bad_config"


class UnknownDetectorError(NotFoundError):
    """A detector id that the forecast model does not know."""

    code = "forecast_unknown_detector"


class ForecastPreparingError(HostCityError):
    """No forecasts yet: a job is recording history and training the first model."""

    http_status = 503
    code = "forecast_preparing"


class HistoryRecordingError(HostCityError):
    """Recording detector history in a child process failed."""

    code = "forecast_history_failed"
