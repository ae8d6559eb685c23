"""City Brain: the live traffic twin, signal control, incidents, emergencies, forecasts."""
