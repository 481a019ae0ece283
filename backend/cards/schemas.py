"""Request and response shapes of the cards domain."""
