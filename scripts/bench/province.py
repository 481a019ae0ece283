"""Province-sized data for the reports and issue lists, and their timings.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/province python scripts/bench/province.py generate
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/province python scripts/bench/province.py time

`generate` EMPTIES the database it is pointed at (drops schema public), migrates it, and bulk-loads
1,000,000 issues, 200,000 visits, 50,000 enterprises and 100,000 cards (with their holders,
leaders, departments, service points, chambers, assignments and 300,000 redemptions) with
PostgreSQL COPY, in chunks, printing progress. Issue history rows are not generated: no report
or list reads them. `time` runs the summary, each breakdown, the review queue's first page and
filtered issue lists through the real service functions, several runs each, and prints the
median and the maximum.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/province")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SIZES = {
    "enterprises": 50_000,
    "issues": 1_000_000,
    "visits": 200_000,
    "cards": 100_000,
    "redemptions": 300_000,
    "leaders": 2_000,
    "departments": 60,
    "service_points": 600,
    "chambers": 500,
}
CHUNK = 50_000
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
SPAN = (END - START).total_seconds()
SERVICES = ["education", "medical", "tourism", "transport", "legal", "government"]
# 84 county-level districts, as in a province like Fujian; named generically.
DISTRICTS = [
    f"{city}{k}区"
    for city in ("福州", "厦门", "泉州", "漳州", "莆田", "三明", "南平", "龙岩", "宁德")
    for k in range(1, 10)
][:84]
DUMMY_HASH = "$argon2id$v=19$m=1024,t=1,p=1$YmVuY2hiZW5jaA$bm90LWEtcmVhbC1oYXNoLW5vdC1hLXJlYWw"


def _uuid(rng: random.Random, at: dt.datetime) -> uuid.UUID:
    """A UUIDv7 for `at`, so id order follows time as in production."""
    ms = int(at.timestamp() * 1000)
    value = (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    return uuid.UUID(int=value)


def _at(rng: random.Random) -> dt.datetime:
    return START + dt.timedelta(seconds=rng.random() * SPAN)


class Loader:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def copy(self, table: str, columns: list[str], records: list[tuple]) -> None:
        await self.conn.copy_records_to_table(table, records=records, columns=columns)

    async def chunks(self, table: str, columns: list[str], total: int, make, label: str) -> None:
        done, started = 0, time.perf_counter()
        while done < total:
            n = min(CHUNK, total - done)
            await self.copy(table, columns, [make(done + k) for k in range(n)])
            done += n
            print(f"\r  {label}: {done:>9,}/{total:,}  {time.perf_counter() - started:6.1f}s", end="", flush=True)
        print()


async def generate() -> None:
    import asyncpg

    from backend.platform import db
    from backend.platform.migrate import migrate

    url = os.environ["DATABASE_URL"]
    conn = await asyncpg.connect(url)
    print(f"resetting {url.split('@')[-1]}")
    await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    await db.start()
    await migrate()
    await db.stop()
    rng = random.Random(20261127)
    load = Loader(conn)
    now = END
    t0 = time.perf_counter()

    departments = [_uuid(rng, START) for _ in range(SIZES["departments"])]
    await load.copy(
        "departments", ["id", "name", "created_at"], [(d, f"部门{k + 1:03d}", START) for k, d in enumerate(departments)]
    )
    enterprises, ent_district = [], []
    for k in range(SIZES["enterprises"]):
        enterprises.append(_uuid(rng, START))
        ent_district.append(DISTRICTS[k % len(DISTRICTS)])
    await load.copy(
        "enterprises",
        ["id", "name", "credit_code", "district", "industry", "address", "created_at", "updated_at"],
        [
            (e, f"企业{k:06d}", f"BENCH{k:013d}", ent_district[k], "制造业", "", START, START)
            for k, e in enumerate(enterprises)
        ],
    )
    points = [
        (_uuid(rng, START), SERVICES[k % 6], DISTRICTS[k % len(DISTRICTS)]) for k in range(SIZES["service_points"])
    ]
    await load.copy(
        "service_points",
        ["id", "name", "service", "district", "address", "created_at"],
        [(p, f"服务点{k}", s, d, "", START) for k, (p, s, d) in enumerate(points)],
    )
    chambers = [(_uuid(rng, START), DISTRICTS[k % len(DISTRICTS)]) for k in range(SIZES["chambers"])]
    await load.copy(
        "chambers",
        ["id", "name", "district", "created_at"],
        [(c, f"商会{k}", d, START) for k, (c, d) in enumerate(chambers)],
    )

    user_cols = [
        "id",
        "username",
        "password_hash",
        "role",
        "display_name",
        "district",
        "enterprise_id",
        "service_point_id",
        "department_id",
        "phone",
        "active",
        "created_at",
    ]
    leaders = [_uuid(rng, START) for _ in range(SIZES["leaders"])]
    leader_district = [DISTRICTS[k % len(DISTRICTS)] for k in range(len(leaders))]
    await load.copy(
        "users",
        user_cols,
        [
            (u, f"leader{k}", DUMMY_HASH, "leader", f"领导{k}", leader_district[k], None, None, None, None, True, START)
            for k, u in enumerate(leaders)
        ]
        + [
            (
                _uuid(rng, START),
                f"secretary{k}",
                DUMMY_HASH,
                "secretary",
                f"秘书{k}",
                None,
                None,
                None,
                None,
                None,
                True,
                START,
            )
            for k in range(5)
        ],
    )
    print(f"  registry loaded  {time.perf_counter() - t0:6.1f}s")

    # Each enterprise's leader is one of its district's leaders.
    by_district: dict[str, list[int]] = {}
    for k, d in enumerate(leader_district):
        by_district.setdefault(d, []).append(k)
    ent_leader = [leaders[rng.choice(by_district[ent_district[k]])] for k in range(len(enterprises))]
    await load.chunks(
        "assignments",
        [
            "id",
            "enterprise_id",
            "leader_id",
            "visit_interval_days",
            "started_at",
            "created_by",
            "ended_at",
            "ended_by",
            "end_reason",
            "handed_over_to",
        ],
        len(enterprises),
        lambda k: (_uuid(rng, START), enterprises[k], ent_leader[k], 30, START, leaders[0], None, None, "", None),
        "assignments",
    )

    visits: list[tuple[uuid.UUID, int]] = []

    def visit(k: int) -> tuple:
        at = _at(rng)
        chamber = k % 50 == 0
        e = rng.randrange(len(enterprises))
        vid = _uuid(rng, at)
        if chamber:
            c, d = chambers[k % len(chambers)]
            leader = leaders[rng.randrange(len(leaders))]
            return (vid, None, c, None, leader, leader, d, at, "商会走访", "[]", 0, 0, at)
        visits.append((vid, e))
        fen = rng.randrange(1, 500_000_000) * 100 if rng.random() < 0.2 else 0
        return (
            vid,
            enterprises[e],
            None,
            None,
            ent_leader[e],
            ent_leader[e],
            ent_district[e],
            at,
            "走访企业",
            "[]",
            fen,
            rng.randrange(0, 30),
            at,
        )

    await load.chunks(
        "visits",
        [
            "id",
            "enterprise_id",
            "chamber_id",
            "assignment_id",
            "leader_id",
            "logged_by",
            "district",
            "visited_at",
            "summary",
            "attendees",
            "financing_fen",
            "hires_helped",
            "created_at",
        ],
        SIZES["visits"],
        visit,
        "visits",
    )
    plans = {
        (leaders[rng.randrange(len(leaders))], chambers[rng.randrange(len(chambers))][0], y)
        for _ in range(2000)
        for y in (2025, 2026)
    }
    await load.copy(
        "chamber_plans",
        ["id", "leader_id", "chamber_id", "year", "planned_visits", "created_by", "created_at"],
        [(_uuid(rng, START), leader, c, y, rng.randrange(2, 12), leader, START) for leader, c, y in plans],
    )

    def issue(k: int) -> tuple:
        linked = rng.random() < 0.4 and visits
        if linked:
            vid, e = visits[rng.randrange(len(visits))]
        else:
            vid, e = None, rng.randrange(len(enterprises))
        at = _at(rng)
        age = (now - at).days
        roll = rng.random()
        disposition = (
            "on_spot"
            if roll < 0.2
            else "assigned"
            if roll < 0.75
            else "transferred"
            if roll < 0.9
            else "redirected"
            if roll < 0.95
            else None
        )
        department = due = assigned = responded = resolved = closed = satisfied = feedback = None
        if disposition == "on_spot":
            status, resolved = ("closed" if rng.random() < 0.3 else "resolved"), at
        elif disposition == "assigned":
            department = departments[rng.randrange(len(departments))]
            assigned, due = at, at + dt.timedelta(days=14)
            responded = at + dt.timedelta(hours=rng.randrange(1, 96))
            done_by = at + dt.timedelta(days=rng.randrange(1, 30))
            if done_by < now and rng.random() < 0.97 - (0.5 if age < 30 else 0):
                status, resolved = ("closed" if rng.random() < 0.5 else "resolved"), done_by
            else:
                status = "in_progress" if rng.random() < 0.6 else "assigned"
            if responded > now:
                responded = None
        elif disposition is None:
            status = "open"
        else:
            status = disposition
        if resolved is not None:
            closed = resolved if status == "closed" else None
            if rng.random() < 0.6:
                satisfied, feedback = rng.random() < 0.88, resolved
        return (
            _uuid(rng, at),
            enterprises[e],
            ent_district[e],
            vid,
            "问题",
            "",
            "融资",
            disposition,
            status,
            department,
            due,
            at,
            leaders[0],
            at,
            at,
            assigned,
            responded,
            resolved,
            closed,
            None,
            satisfied,
            None,
            feedback,
            1,
        )

    await load.chunks(
        "issues",
        [
            "id",
            "enterprise_id",
            "district",
            "visit_id",
            "title",
            "description",
            "category",
            "disposition",
            "status",
            "department_id",
            "due_at",
            "reported_at",
            "created_by",
            "created_at",
            "updated_at",
            "assigned_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "resolution",
            "satisfied",
            "feedback_comment",
            "feedback_at",
            "version",
        ],
        SIZES["issues"],
        issue,
        "issues",
    )

    holders = [_uuid(rng, START) for _ in range(SIZES["cards"])]
    holder_ent = [rng.randrange(len(enterprises)) for _ in holders]
    await load.chunks(
        "users",
        user_cols,
        len(holders),
        lambda k: (
            holders[k],
            f"owner{k}",
            DUMMY_HASH,
            "entrepreneur",
            f"企业家{k}",
            None,
            enterprises[holder_ent[k]],
            None,
            None,
            None,
            True,
            START,
        ),
        "card holders",
    )
    cards: list[uuid.UUID] = []

    def card(k: int) -> tuple:
        issued = _at(rng) - dt.timedelta(days=rng.choice((0, 0, 0, 1200)))
        until = issued + dt.timedelta(days=3 * 365)
        roll = rng.random()
        status = "active" if roll < 0.9 else "suspended" if roll < 0.95 else "revoked"
        cid = _uuid(rng, issued)
        cards.append(cid)
        return (
            cid,
            f"GC-B-{k:07d}",
            holders[k],
            enterprises[holder_ent[k]],
            "education,medical,transport",
            status,
            None,
            issued,
            until,
            issued,
            issued,
            k // 131072,
            k % 131072,
            None,
            None,
        )

    await load.chunks(
        "cards",
        [
            "id",
            "number",
            "holder_id",
            "enterprise_id",
            "services",
            "status",
            "batch",
            "valid_from",
            "valid_until",
            "issued_at",
            "updated_at",
            "status_list",
            "status_idx",
            "credential",
            "credential_kid",
        ],
        len(holders),
        card,
        "cards",
    )

    def redemption(k: int) -> tuple:
        at = _at(rng)
        p, service, _ = points[rng.randrange(len(points))]
        return (_uuid(rng, at), cards[rng.randrange(len(cards))], p, leaders[0], service, "card", at)

    await load.chunks(
        "card_redemptions",
        ["id", "card_id", "service_point_id", "staff_id", "service", "token_kind", "at"],
        SIZES["redemptions"],
        redemption,
        "redemptions",
    )
    print("  VACUUM ANALYZE ...", flush=True)
    await conn.execute("VACUUM ANALYZE")
    await conn.close()
    print(f"done in {time.perf_counter() - t0:.0f}s")


async def _timed(label: str, work, runs: int) -> None:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        await work()
        times.append((time.perf_counter() - t) * 1000)
    print(f"{label:<46} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms", flush=True)


async def time_all(runs: int) -> None:
    from backend.platform import clock, db
    from backend.platform.actor import Actor, Role
    from backend.reports import breakdowns
    from backend.reports.params import period
    from backend.reports.summary import summary

    await db.start()
    clock.set_now(END)
    year = period("2026-01-01", "2026-11-26")
    month = period("2026-10-01", "2026-10-31")
    district = DISTRICTS[3]
    work = [
        ("summary, city, 11 months", lambda: summary(period=year, district=None)),
        ("summary, one district, 11 months", lambda: summary(period=year, district=district)),
        ("summary, city, one month", lambda: summary(period=month, district=None)),
        ("by district, 11 months", lambda: breakdowns.by_district(period=year, district=None)),
        ("by leader, 11 months", lambda: breakdowns.by_leader(period=year, district=None)),
        ("departments league, 11 months", lambda: breakdowns.departments(period=year, district=None)),
    ]
    secretary = Actor(id=str(uuid.uuid4()), username="bench", role=Role.SECRETARY)
    try:
        from backend.issues import queue as issue_queue

        review = getattr(issue_queue, "review_queue", None)
        if review is not None:
            work.append(("review queue, first page (50)", lambda: review(actor=secretary, limit=50, cursor=None)))
    except ImportError:
        print("(no review queue in this build)")
    from backend.issues import service as issues
    from backend.issues.schemas import IssueFilter, Status

    work += [
        (
            "issue list, status=in_progress, first page",
            lambda: issues.list_issues(
                actor=secretary, filters=IssueFilter(status=Status.IN_PROGRESS), limit=50, cursor=None
            ),
        ),
        (
            "issue list, overdue=true & district, first page",
            lambda: issues.list_issues(
                actor=secretary, filters=IssueFilter(overdue=True, district=district), limit=50, cursor=None
            ),
        ),
    ]
    for label, job in work:
        await job()  # warm the cache and the plan
        await _timed(label, job, runs)
    await db.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("generate", help="reset DATABASE_URL and load the province data set")
    timing = sub.add_parser("time", help="time the reports and lists")
    timing.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.command == "generate":
        asyncio.run(generate())
    else:
        asyncio.run(time_all(args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
