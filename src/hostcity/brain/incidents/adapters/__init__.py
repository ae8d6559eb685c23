"""Adapters of incident detection: database tables and store, webhook delivery, SUMO runs."""
