"""The demo city (`python -m backend demo-data`): built through the domains' services; no domain imports it."""
