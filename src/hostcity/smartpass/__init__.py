"""Smart Pass: face gates, athletes and agendas, door-to-door trips, venue egress."""
