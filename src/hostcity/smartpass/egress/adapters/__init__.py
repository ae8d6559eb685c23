"""Adapters of the egress feature: JuPedSim and the database."""
