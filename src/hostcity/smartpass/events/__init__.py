"""Athletes and schedules: event import, follows, the fan's agenda and its iCalendar export."""
