"""Request and response shapes of the visits domain."""
