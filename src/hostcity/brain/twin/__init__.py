"""The live traffic twin: SUMO in the background, detectors, NGSI-LD ingestion, the live map."""
