#!/usr/bin/env python3
"""Verify a green-card token with no network: a saved JWKS, saved status lists, the same judging
function as the server (backend.cards.credentials.judge). Prints the verdict as JSON.

    python scripts/verify_offline.py --jwks jwks.json --status-list list-1.jwt --service medical TOKEN
    (TOKEN "-" reads it from stdin; --now UNIX_SECONDS judges at another time)

Save the inputs while online:  curl $BASE/.well-known/jwks.json > jwks.json
                               curl $BASE/api/v1/status-lists/1 > list-1.jwt
Exit status: 0 valid, 1 invalid, 2 the inputs do not suffice (no status list for the card's list,
or the saved one has expired: fetch it again). `replayed` needs the server; offline never says it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.cards.offline import StatusListMissing, verify_offline  # noqa: E402


def verdict_json(verdict) -> dict:
    card = None
    if verdict.checked is not None:
        c = verdict.checked.claims
        card = {
            "number": c["sub"],
            "holder_name": c["name"],
            "enterprise_name": c["ent"],
            "services": c["services"],
            "valid_until": c["exp"],
        }
    return {"result": verdict.result, "reason": verdict.reason.value if verdict.reason else None, "card": card}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("token", help="the scanned token, or - for stdin")
    parser.add_argument("--jwks", required=True, type=Path, help="saved /.well-known/jwks.json")
    parser.add_argument("--status-list", action="append", default=[], type=Path, help="saved status list (repeatable)")
    parser.add_argument("--service", help="this service point's service (education, medical, ...)")
    parser.add_argument("--issuer", default=os.environ.get("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/"))
    parser.add_argument("--now", type=int, default=None, help="judge at this unix time (default: now)")
    args = parser.parse_args(argv)
    token = sys.stdin.read().strip() if args.token == "-" else args.token
    try:
        verdict = verify_offline(
            token,
            jwks=json.loads(args.jwks.read_text()),
            status_lists=[p.read_text() for p in args.status_list],
            issuer=args.issuer,
            service=args.service,
            now=args.now if args.now is not None else int(time.time()),
        )
    except StatusListMissing as exc:
        print(json.dumps({"error": "status_list_missing", "uri": str(exc)}), file=sys.stderr)
        return 2
    print(json.dumps(verdict_json(verdict), ensure_ascii=False))
    return 0 if verdict.valid else 1


if __name__ == "__main__":
    sys.exit(main())
