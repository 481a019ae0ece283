"""Request and response shapes of the reminders domain."""
