"""Request and response shapes of the reports domain."""
