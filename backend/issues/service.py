"""Domain logic of the issues domain."""
