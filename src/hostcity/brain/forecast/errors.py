"""Errors of the forecast feature, each a subclass of the HostCity tree."""

from __future__ import annotations

from hostcity.core.errors import InputError, NotFoundError


class ForecastDataError(InputError):
    """A series or sensor graph cannot be used for forecasting."""

    code = "forecast_bad_data"


class UnknownDetectorError(NotFoundError):
    """A detector id that the forecast model does not know."""

    code = "forecast_unknown_detector"
