"""The cards domain caches keys, checked tokens and card details per process; tables are emptied
before every test (card numbers start again), so each test here starts and ends without them."""

from __future__ import annotations

import pytest

from backend.cards import keys, verification


def forget_cards() -> None:
    keys.forget()
    verification._CHECKED.clear()
    verification._POINT_SERVICE.clear()
    verification._CARD_INFO.clear()


@pytest.fixture(autouse=True)
def _fresh_card_caches():
    forget_cards()
    yield
    forget_cards()
