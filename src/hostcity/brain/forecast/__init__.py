"""Traffic forecasting: baselines, a learned spatio-temporal model, backtests and live forecasts."""
