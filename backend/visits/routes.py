"""HTTP routes of the visits domain."""

ROUTERS: list = []
