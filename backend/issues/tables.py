"""Tables of the issues domain."""
