"""A card's status now is derived in one module, in Python and in SQL; the two must agree on
every case, including a validity ending exactly now (expired: `valid_until` is exclusive)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from backend.cards import report, status
from backend.cards.schemas import CardStatus
from backend.cards.tables import Card
from backend.platform import clock
from backend.platform.ids import new_id

NOW = dt.datetime(2026, 5, 1, 4, 0, tzinfo=dt.UTC)
VALIDITY = {"ended": NOW - dt.timedelta(days=1), "ends now": NOW, "running": NOW + dt.timedelta(seconds=1)}


async def _grid(factory) -> dict[uuid.UUID, CardStatus]:
    """One card per (stored status, validity), and what `derived_status` says each is now."""
    enterprise = await factory.enterprise()
    expected = {}
    for n, (stored, until) in enumerate(itertools.product(("active", "suspended", "revoked"), VALIDITY.values())):
        holder = await factory.user("entrepreneur", enterprise_id=enterprise.id)  # one live card per holder
        card_id = new_id()
        await Card.insert(
            Card(
                id=card_id,
                number=f"GC-T-{n:04d}",
                holder_id=uuid.UUID(holder.id),
                enterprise_id=uuid.UUID(enterprise.id),
                services="medical",
                status=stored,
                valid_from=NOW - dt.timedelta(days=400),
                valid_until=until,
                issued_at=NOW - dt.timedelta(days=400),
                updated_at=NOW,
                status_list=1,
                status_idx=n,
            )
        )
        expected[card_id] = status.derived_status(stored, until, NOW)
    return expected


async def test_sql_and_python_agree_on_every_status(factory):
    expected = await _grid(factory)
    assert set(expected.values()) == set(CardStatus)  # the grid reaches every status
    for value in CardStatus:
        found = {r["id"] for r in await Card.select(Card.id).where(status.where(status.condition(value, NOW)))}
        assert found == {k for k, v in expected.items() if v == value}, value
    live = {r["id"] for r in await Card.select(Card.id).where(status.where(status.live(NOW)))}
    assert live == {k for k, v in expected.items() if v in (CardStatus.ACTIVE, CardStatus.SUSPENDED)}


async def test_the_report_counts_what_the_card_list_shows(factory):
    expected = await _grid(factory)
    clock.set_now(NOW)
    (counts,) = await report.counts(start=NOW - dt.timedelta(days=1), end=NOW, district=None, now=NOW)
    admin = await factory.user("admin")
    for value in CardStatus:
        listed = (await admin.get("/api/v1/cards", params={"status": value.value, "limit": 100})).json()["items"]
        assert getattr(counts, value.value) == len(listed) == sum(v == value for v in expected.values()), value
