"""`python -m backend demo-data`: a demo city (福州, 13 districts) with a year of activity.

Rows go through the domains' services, so their rules hold (credit codes, card numbers and
status-list slots, assignments, the issue state machine); the clock is set to each action's
moment so a year of history reads like one. Redemptions are inserted directly (a scan needs a
live token). Deterministic: every phase draws from its own seeded random generator. Idempotent:
registry rows are found by natural key (username, credit code, name) before being created, and
the activity phases (visits with their issues, redemptions) run only when the demo city has none.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from contextlib import nullcontext

from rich.console import Console
from rich.progress import Progress
from rich.table import Table as RichTable

from backend.cards import service as cards_service
from backend.cards.schemas import CardCreate
from backend.cards.tables import Card
from backend.demo import activity, names
from backend.demo.city import City
from backend.orgs import schemas as o
from backend.orgs import service as orgs
from backend.orgs.tables import Chamber, Department, Enterprise, ServicePoint, User
from backend.platform import clock, db, glossary
from backend.platform.actor import SYSTEM, Actor, Role
from backend.platform.ids import new_id
from backend.platform.passwords import hash_password

PASSWORD = "Demo-2026-fz"
SHOWCASE_SERVICE = "medical"  # the printed owner's card covers it; the printed staff login serves it


_hash: dict[str, str] = {}


async def _user(
    city: City,
    username: str,
    role: Role,
    display: str,
    *,
    district: str | None = None,
    login: bool = True,
    **links: str,
) -> Actor:
    """Find or create a demo user. Every demo account shares one password, so it is hashed once
    (Argon2 at production cost takes a good part of a second per hash) and the row inserted with
    the links `create_user` would check."""
    row = await User.select().where(User.username == username).first()
    if row is None:
        if "hash" not in _hash:
            _hash["hash"] = await hash_password(PASSWORD)
        async with db.transaction():
            await User.insert(
                User(
                    id=new_id(),
                    username=username,
                    password_hash=_hash["hash"],
                    role=role.value,
                    display_name=display,
                    district=district,
                    active=True,
                    created_at=clock.now(),
                    **{k: uuid.UUID(v) for k, v in links.items()},
                )
            )
        row = await User.select().where(User.username == username).first()
    if login:
        city.logins.append((username, role.value, display + (f"（{district}）" if district else "")))
    return orgs.actor_of(row)


async def registry(city: City, scale: float, progress: Progress) -> None:
    """Departments, enterprises, service points, chambers, and a user for every role."""
    rng = random.Random("demo-registry")
    per_district = max(2, round(23 * scale))
    task = progress.add_task("机构与用户 registry", total=len(names.DEPARTMENTS) + per_district * 13 + 60)
    for name in names.DEPARTMENTS:
        row = await Department.select(Department.id).where(Department.name == name).first()
        if row is None:
            row = {"id": (await orgs.create_department(data=o.DepartmentCreate(name=name), actor=SYSTEM)).id}
        city.departments.append(str(row["id"]))
        progress.advance(task)
    for district in names.DISTRICTS:
        for k in range(per_district):
            code = names.credit_code(district, k)
            title, industry = names.enterprise_name(rng, district)
            lat, lon = 26.07 + rng.uniform(-0.3, 0.3), 119.30 + rng.uniform(-0.4, 0.4)
            row = (
                await Enterprise.select(Enterprise.id, Enterprise.district)
                .where(Enterprise.credit_code == code)
                .first()
            )
            if row is None:
                async with db.transaction():
                    made = await orgs.create_enterprise(
                        data=o.EnterpriseCreate(
                            name=title,
                            credit_code=code,
                            district=district,
                            industry=industry,
                            address=f"福州市{district}{rng.choice(names.WORDS)}路{rng.randrange(1, 300)}号",
                            latitude=round(lat, 6),
                            longitude=round(lon, 6),
                        ),
                        actor=SYSTEM,
                    )
                row = {"id": made.id, "district": district}
            city.enterprises.append({"id": str(row["id"]), "district": row["district"]})
            progress.advance(task)
    for service, point_names in names.SERVICE_POINTS.items():
        for name in point_names:
            row = (
                await ServicePoint.select(ServicePoint.id, ServicePoint.service)
                .where(ServicePoint.name == name)
                .first()
            )
            if row is None:
                made = await orgs.create_service_point(
                    data=o.ServicePointCreate(
                        name=name, service=o.Service(service), district=names.SERVICE_POINT_DISTRICT[name]
                    ),
                    actor=SYSTEM,
                )
                row = {"id": made.id, "service": service}
            city.points.append({"id": str(row["id"]), "service": row["service"], "name": name})
    for district in names.DISTRICTS:
        name = f"福州市{district}工商业联合会" if district != "福清市" else "福清市工商业联合会"
        row = await Chamber.select(Chamber.id).where(Chamber.name == name).first()
        if row is None:
            row = {
                "id": (await orgs.create_chamber(data=o.ChamberCreate(name=name, district=district), actor=SYSTEM)).id
            }
        city.chambers.append({"id": str(row["id"]), "district": district})

    await _user(city, "demo_admin", Role.ADMIN, "营商办管理员")
    city.secretary = await _user(city, "demo_secretary", Role.SECRETARY, "营商办秘书")
    await _user(city, "demo_secretary_gulou", Role.SECRETARY, "鼓楼区营商办秘书", district="鼓楼区")
    await _user(city, "demo_leader_city", Role.LEADER, "市领导" + names.person(rng))
    for district, pinyin in names.PINYIN.items():
        city.leaders[district] = [
            await _user(
                city,
                f"demo_leader_{pinyin}{k}",
                Role.LEADER,
                f"{district}挂钩领导{names.person(rng)}",
                district=district,
                login=(k == 1 and district == "鼓楼区"),
            )
            for k in (1, 2)
        ]
        progress.advance(task, 2)
    for k, department_id in enumerate(city.departments, 1):
        city.department_staff[department_id] = await _user(
            city,
            f"demo_dept_{k:02d}",
            Role.DEPARTMENT,
            f"{names.DEPARTMENTS[k - 1]}经办人",
            department_id=department_id,
            login=k == 1,
        )
        progress.advance(task)
    # The printed service-staff login works at a hospital window, and the printed owner's card
    # (demo_owner_001, see `cards`) always covers medical: a newcomer can scan end to end.
    showcase = next(p["id"] for p in city.points if p["service"] == SHOWCASE_SERVICE)
    for k, point in enumerate(city.points, 1):
        await _user(
            city,
            f"demo_staff_{k:02d}",
            Role.SERVICE_STAFF,
            f"{point['name']}工作人员",
            district=names.SERVICE_POINT_DISTRICT[point["name"]],
            service_point_id=point["id"],
            login=point["id"] == showcase,
        )
    progress.update(task, completed=progress.tasks[task].total)


async def cards(city: City, scale: float, progress: Progress) -> None:
    """100 green cards (10 at --scale 0.1), issued over the past year through the cards service."""
    rng = random.Random("demo-cards")
    count = max(5, round(100 * scale))
    task = progress.add_task("绿卡 cards", total=count)
    now = clock.now()
    holders = rng.sample(city.enterprises, min(count, len(city.enterprises)))
    for k, enterprise in enumerate(holders, 1):
        owner = await _user(
            city,
            f"demo_owner_{k:03d}",
            Role.ENTREPRENEUR,
            names.person(rng),
            district=enterprise["district"],
            enterprise_id=enterprise["id"],
            login=k == 1,
        )
        city.owners[enterprise["id"]] = owner
        services = sorted(rng.sample([s.value for s in o.Service], rng.randrange(3, 7)))
        if k == 1 and SHOWCASE_SERVICE not in services:
            services = sorted([*services, SHOWCASE_SERVICE])
        issued = now - dt.timedelta(days=rng.randrange(1, 365), hours=rng.randrange(0, 9))
        if not await Card.exists().where(Card.holder_id == uuid.UUID(owner.id)):
            clock.set_now(issued)
            try:
                async with db.transaction():
                    card = await cards_service.create_card(
                        data=CardCreate(
                            holder_id=owner.id,
                            enterprise_id=enterprise["id"],
                            services=[o.Service(s) for s in services],
                            batch=f"{issued.year}年第{(issued.month + 2) // 3}批",
                        ),
                        actor=SYSTEM,
                    )
                # Every 15th card suspended (failed the annual review), every 40th revoked.
                action = "suspend" if k % 15 == 2 else "revoke" if k % 40 == 3 else None
                if action:
                    clock.set_now(issued + dt.timedelta(days=rng.randrange(1, 30)))
                    async with db.transaction():
                        await cards_service.change_status(
                            card_id=card.id,
                            action=action,
                            reason="年度复核未通过" if action == "suspend" else "列入严重失信名单",
                            actor=SYSTEM,
                        )
            finally:
                clock.set_now(None)
        progress.advance(task)


def logins_table(city: City) -> RichTable:
    table = RichTable(title=f"演示账号 demo logins (password: {PASSWORD})")
    for column in ("username", "role", "身份", "who"):
        table.add_column(column)
    for username, role, who in city.logins:
        table.add_row(username, role, glossary.ROLES[role], who)
    return table


async def load(*, scale: float = 1.0, quiet: bool = False) -> dict[str, int]:
    """Load (or complete) the demo city; returns the row counts of the tables it fills."""
    city = City()
    out = Console(quiet=quiet)
    with Progress(console=out, transient=quiet) if not quiet else nullcontext(Progress(disable=True)) as progress:
        await registry(city, scale, progress)
        await cards(city, scale, progress)
        await activity.assignments(city, progress)
        await activity.visits(city, scale, progress)
        await activity.redemptions(city, scale, progress)
    counts = await activity.counts()
    if not quiet:
        out.print(logins_table(city))
        out.print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts
