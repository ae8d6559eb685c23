"""The live traffic twin: SUMO in a background worker, detectors, NGSI-LD observation ingestion, the live map."""
