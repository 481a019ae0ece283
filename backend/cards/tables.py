"""Tables of the cards domain: cards, their history, signing keys, redemptions, used presentation ids."""

from piccolo.columns import UUID, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from backend.orgs.tables import Enterprise, ServicePoint, User


class CardSequence(Table, tablename="card_sequences"):
    """One counter per year for readable card numbers (GC-2026-000123), bumped atomically."""

    id = UUID(primary_key=True)
    year = Integer(unique=True)
    value = Integer(default=0)


class Card(Table, tablename="cards"):
    """A green card. `status` stores active|suspended|revoked; `expired` is derived from valid_until.

    `status_list`/`status_idx` place the card in a Token Status List: drawn at random, never reused
    (unique together, and a card row is never deleted). `credential` keeps the token printed on the
    card so a re-print shows the same QR; it is cleared when the card is renewed.
    """

    id = UUID(primary_key=True)
    number = Varchar(length=20, unique=True)
    holder_id = ForeignKey(User, null=False, index=True)
    enterprise_id = ForeignKey(Enterprise, null=False, index=True)
    services = Varchar(length=120)  # comma-separated Service values, in canonical order
    status = Varchar(length=12, index=True)
    batch = Varchar(length=64, null=True, default=None, index=True)
    valid_from = Timestamptz()
    valid_until = Timestamptz(index=True)
    issued_at = Timestamptz()
    updated_at = Timestamptz()
    status_list = Integer()
    status_idx = Integer()
    credential = Text(null=True, default=None)
    credential_kid = Varchar(length=16, null=True, default=None, index=True)


class CardEvent(Table, tablename="card_events"):
    """Every change of a card: who, when, why."""

    id = UUID(primary_key=True)
    card_id = ForeignKey(Card, null=False, index=True)
    action = Varchar(length=12)
    from_status = Varchar(length=12, null=True, default=None)
    to_status = Varchar(length=12)
    actor_id = UUID()
    at = Timestamptz()
    reason = Text(default="")


class SigningKey(Table, tablename="card_signing_keys"):
    """A public card-signing key (Ed25519). The private key is a file in DATA_DIR or in the environment."""

    id = UUID(primary_key=True)
    kid = Varchar(length=16, unique=True)
    public_key = Varchar(length=64)  # base64url of the 32 raw bytes (JWK `x`)
    created_at = Timestamptz()
    activated_at = Timestamptz(index=True)
    retired_at = Timestamptz(null=True, default=None)


class Redemption(Table, tablename="card_redemptions"):
    """One valid scan: which card, where, by whom, for which service, when."""

    id = UUID(primary_key=True)
    card_id = ForeignKey(Card, null=False, index=True)
    service_point_id = ForeignKey(ServicePoint, null=False, index=True)
    staff_id = UUID(index=True)
    service = Varchar(length=20, index=True)
    token_kind = Varchar(length=12)
    at = Timestamptz(index=True)


class UsedPresentation(Table, tablename="card_used_presentations"):
    """A presentation token's `jti`, claimed once in the database so a replay fails in any process."""

    id = UUID(primary_key=True)
    jti = Varchar(length=64, unique=True)
    card_id = UUID()
    used_at = Timestamptz()
    expires_at = Timestamptz(index=True)


TABLES = [CardSequence, Card, CardEvent, SigningKey, Redemption, UsedPresentation]
