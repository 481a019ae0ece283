"""Domain logic of the cards domain."""
