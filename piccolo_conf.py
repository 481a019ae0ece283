"""For Piccolo's own CLI (`piccolo migrations new <app> --auto`); the app uses backend.piccolo_conf."""

from backend.piccolo_conf import APP_REGISTRY, DB  # noqa: F401
