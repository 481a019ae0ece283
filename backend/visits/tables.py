"""Tables of the visits domain."""
