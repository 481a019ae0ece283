"""Settings read once from the environment; nothing is required to start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def _cores() -> int:
    """CPU cores this process may run on (its affinity, not the whole machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    public_base_url: str
    access_token_ttl: int = 15 * 60
    refresh_token_ttl: int = 30 * 24 * 3600
    # Failed logins allowed per window before 429 (per username, per client address).
    login_max_failures_user: int = 5
    login_max_failures_address: int = 30
    login_failure_window: int = 15 * 60
    # Argon2id cost; RFC 9106's second recommended profile by default (64 MiB, t=3).
    password_memory_kib: int = 65536
    password_time_cost: int = 3
    # Password hashes computed at once in this process (each takes password_memory_kib), and how
    # long a login may wait for one before 503: bounds memory and CPU under a login storm.
    password_hash_concurrency: int = 1
    login_queue_seconds: float = 5.0
    # Peers whose X-Forwarded-For is believed (addresses or CIDR ranges, comma-separated).
    trusted_proxies: str = ""
    max_body_bytes: int = 1024 * 1024
    log_level: str = "INFO"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load() -> Settings:
    data_dir = Path(os.environ.get("DATA_DIR") or "./var").resolve()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'greencard.db'}"
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        public_base_url=(os.environ.get("PUBLIC_BASE_URL") or "http://localhost:8000").rstrip("/"),
        access_token_ttl=_int("ACCESS_TOKEN_TTL", 15 * 60),
        password_memory_kib=_int("PASSWORD_MEMORY_KIB", 65536),
        password_time_cost=_int("PASSWORD_TIME_COST", 3),
        password_hash_concurrency=max(1, _int("PASSWORD_HASH_CONCURRENCY", _cores())),
        login_queue_seconds=max(0.0, _float("LOGIN_QUEUE_SECONDS", 5.0)),
        trusted_proxies=os.environ.get("TRUSTED_PROXIES", "").strip(),
        login_max_failures_user=_int("LOGIN_MAX_FAILURES_USER", 5),
        login_max_failures_address=_int("LOGIN_MAX_FAILURES_ADDRESS", 30),
        log_level=os.environ.get("LOG_LEVEL", "INFO").upper(),
    )


settings = load()
