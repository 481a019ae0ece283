"""Green card and five-ones backend."""

import os

# Piccolo finds its engine and apps through this module; set it before any table is imported.
os.environ.setdefault("PICCOLO_CONF", "backend.piccolo_conf")
