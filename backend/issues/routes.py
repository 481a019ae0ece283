"""HTTP routes of the issues domain."""

ROUTERS: list = []
