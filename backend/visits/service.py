"""Domain logic of the visits domain."""
