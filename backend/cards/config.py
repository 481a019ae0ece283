"""Settings of the cards domain, read once from the environment (all optional)."""

from __future__ import annotations

import os

# PEM of an Ed25519 private key; when set, it signs instead of a generated key file.
SIGNING_KEY_PEM: str | None = os.environ.get("CARD_SIGNING_KEY") or None
# Fonts tried before the bundled Noto Sans CJK SC for card.png: "path" or "path:index" for a
# .ttc/.otc, several separated by commas (see fonts.py).
FONT: str | None = os.environ.get("CARD_FONT") or None
# How long scanners may cache a status list, seconds.
STATUS_LIST_TTL: int = int(os.environ.get("CARD_STATUS_LIST_TTL") or 300)
VALIDITY_YEARS = 3
# The furthest a card may be valid, from now (issue or renewal); programmes are reviewed far sooner.
MAX_VALIDITY_YEARS = 10
PRESENTATION_TTL = 60  # seconds; the contract allows at most 120
MAX_PRESENTATION_TTL = 120
# Entries per status list (2 bits each, 32 KiB before compression): large, so that a random
# index says nothing about who holds it; a new list starts when one is half full.
STATUS_LIST_SIZE = 1 << 17
