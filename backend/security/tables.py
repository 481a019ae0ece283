"""Refresh-token chains and failed-login records (shared by every API process)."""

from piccolo.columns import UUID, ForeignKey, Timestamptz, Varchar
from piccolo.table import Table

from backend.orgs.tables import User


class RefreshToken(Table, tablename="refresh_tokens"):
    """One link of a refresh chain (`family_id`); only the token's SHA-256 is stored."""

    id = UUID(primary_key=True)
    user_id = ForeignKey(User, null=False)
    family_id = UUID(index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class LoginFailure(Table, tablename="login_failures"):
    """A failed login, counted per key (`user:<name>` or `addr:<ip>`) in a sliding window.

    The row is written when the attempt is claimed, before its password is checked, and deleted
    again if the password was right (or never checked): an attempt in flight already counts.
    """

    id = UUID(primary_key=True)
    key = Varchar(length=255, index=True)
    at = Timestamptz(index=True)


class LoginThrottleKey(Table, tablename="login_throttle_keys"):
    """One row per throttled key, locked by every claim on that key (an upsert), so that counting
    the key's recent failures and recording a new one happen one claim at a time on every engine
    and across processes. `touched_at` is the last claim: keys idle past the window are purged."""

    id = UUID(primary_key=True)
    key = Varchar(length=255, unique=True)
    touched_at = Timestamptz(index=True)
