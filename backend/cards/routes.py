"""HTTP routes of the cards domain."""

ROUTERS: list = []
