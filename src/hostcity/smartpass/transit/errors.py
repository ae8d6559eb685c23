"""Errors of the transit feature, all under the HostCity error tree."""

from __future__ import annotations

from hostcity.core.errors import InputError, NotFoundError, ValidationFailed


class GtfsError(ValidationFailed):
    """A GTFS feed is malformed; ``where`` names the file, line and field."""

    code = "invalid_gtfs"


class OutsideAreaError(InputError):
    """A coordinate lies outside the area every feed serves."""

    code = "outside_area"


class OutsideServiceError(InputError):
    """A departure time lies outside the dates a feed runs."""

    code = "outside_service"


class FeedNotFoundError(NotFoundError):
    """No imported feed with that id, or no feed at all."""
