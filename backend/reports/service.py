"""Domain logic of the reports domain."""
