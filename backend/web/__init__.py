"""The H5 app: static files under `app/`, served at `/app/` by `routes` (top layer, never imported by domains)."""
