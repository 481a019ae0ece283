"""The glossary names every value people can meet: a new service, status, reason or role without
a Chinese label would show up as a bare code on the card, in the exports and in the app."""

from __future__ import annotations

from backend.cards.credentials import Reason
from backend.cards.schemas import CardStatus
from backend.issues.schemas import Action, Status
from backend.orgs.schemas import Service
from backend.platform import glossary
from backend.platform.actor import Role


def test_every_value_has_a_chinese_label():
    assert list(glossary.SERVICES) == [s.value for s in Service]  # the API's order, also on the card
    assert set(glossary.SERVICE_MEANINGS) == set(glossary.SERVICES)
    assert set(glossary.CARD_STATUSES) == {s.value for s in CardStatus}
    assert set(glossary.VERIFICATION_REASONS) == {r.value for r in Reason}
    assert set(glossary.ISSUE_STATUSES) == {s.value for s in Status}
    assert set(glossary.ISSUE_ACTIONS) == {a.value for a in Action} | {"create", "feedback"}
    assert set(glossary.ROLES) == {r.value for r in Role}
    labels = [
        v for table in glossary.for_app().values() for v in (table.values() if isinstance(table, dict) else table)
    ]
    assert all(v.strip() for v in labels)
