"""Tables of the reminders domain."""
