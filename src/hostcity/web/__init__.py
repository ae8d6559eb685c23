"""The web UI: static ES modules served by the API app; no CDN, no build step."""
