"""Door-to-door trips: GTFS import and validation, RAPTOR journeys with walking legs."""
