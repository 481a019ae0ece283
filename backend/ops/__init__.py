"""Operations: liveness and readiness probes, Prometheus metrics, backup and restore.

`metrics.py` is bottom-layer (the domains count into it and it imports nothing of the app);
everything else here is top-layer, beside the app and the CLI.
"""
