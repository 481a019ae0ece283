"""HTTP routes of the reminders domain."""

ROUTERS: list = []
