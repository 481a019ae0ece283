"""Request and response shapes of the issues domain."""
