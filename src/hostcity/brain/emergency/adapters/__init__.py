"""Adapters of the emergency feature: libsumo runs with emergency vehicles."""
