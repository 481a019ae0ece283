"""HTTP routes of the reports domain."""

ROUTERS: list = []
