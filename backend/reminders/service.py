"""Domain logic of the reminders domain."""
