"""What every domain uses and no domain owns (the bottom layer: imports no domain)."""
