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
from backend.issues import service as issues_service
from backend.issues.schemas import Disposition, IssueCreate
from backend.issues.tables import Issue
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

    # Display names are people's names: the role is the account's, and the card prints the name.
    city.admin = await _user(city, "demo_admin", Role.ADMIN, names.person(rng))
    city.secretary = await _user(city, "demo_secretary", Role.SECRETARY, names.person(rng))
    await _user(city, "demo_secretary_gulou", Role.SECRETARY, names.person(rng), district="鼓楼区")
    await _user(city, "demo_leader_city", Role.LEADER, names.person(rng))
    for district, pinyin in names.PINYIN.items():
        city.leaders[district] = [
            await _user(
                city,
                f"demo_leader_{pinyin}{k}",
                Role.LEADER,
                names.person(rng),
                district=district,
            )
            for k in (1, 2)
        ]
        progress.advance(task, 2)
    for k, department_id in enumerate(city.departments, 1):
        city.department_staff[department_id] = await _user(
            city,
            f"demo_dept_{k:02d}",
            Role.DEPARTMENT,
            names.person(rng),
            department_id=department_id,
        )
        progress.advance(task)
    # The printed service-staff login works at a hospital window, and the printed owner's card
    # (demo_owner_001, see `cards`) always covers medical: a newcomer can scan end to end.
    showcase = next(p["id"] for p in city.points if p["service"] == SHOWCASE_SERVICE)
    for k, point in enumerate(city.points, 1):
        staff = await _user(
            city,
            f"demo_staff_{k:02d}",
            Role.SERVICE_STAFF,
            names.person(rng),
            district=names.SERVICE_POINT_DISTRICT[point["name"]],
            service_point_id=point["id"],
        )
        if point["id"] == showcase:
            city.showcase_staff = staff
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
        )
        city.owners[enterprise["id"]] = owner
        if k == 1:
            city.showcase_enterprise = enterprise["id"]
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


async def story(city: City) -> None:
    """Make sure the printed logins tell one story: the showcase owner's enterprise has an issue
    with a department (raised by its leader at a visit, usually; else raised now)."""
    enterprise = next(e for e in city.enterprises if e["id"] == city.showcase_enterprise)
    handled = Issue.exists().where(
        (Issue.enterprise_id == uuid.UUID(enterprise["id"])) & Issue.department_id.is_not_null()
    )
    if not await handled:
        category, title, description = names.ISSUE_TOPICS[0]
        data = IssueCreate(
            enterprise_id=enterprise["id"],
            title=title,
            description=description,
            category=category,
            disposition=Disposition.ASSIGNED,
            department_id=city.departments[0],
        )
        async with db.transaction():
            await issues_service.create_issue(data=data, actor=enterprise["leader"])


async def chain(city: City) -> list[tuple[str, str, str, str]]:
    """One login per role, linked: the owner (demo_owner_001), the leader assigned to the owner's
    enterprise, the department handling its latest issue, the city's secretary who reviews it,
    a window at a service point the owner's card covers, and the office's admin."""
    enterprise = next(e for e in city.enterprises if e["id"] == city.showcase_enterprise)
    ent_id = uuid.UUID(enterprise["id"])
    ent_name = (await Enterprise.select(Enterprise.name).where(Enterprise.id == ent_id).first())["name"]
    issue = (
        await Issue.select(Issue.title, Issue.department_id)
        .where((Issue.enterprise_id == ent_id) & Issue.department_id.is_not_null())
        .order_by(Issue.reported_at, ascending=False)
        .first()
    )
    department = (await Department.select(Department.name).where(Department.id == issue["department_id"]).first())[
        "name"
    ]
    point = next(p for p in city.points if p["id"] == city.showcase_staff.service_point_id)  # type: ignore[union-attr]
    owner, leader = city.owners[enterprise["id"]], enterprise["leader"]
    people = [
        (owner, f"{ent_name}（{enterprise['district']}）的企业家，持绿卡"),
        (leader, f"挂钩{ent_name}的领导"),
        (city.department_staff[str(issue["department_id"])], f"{department}，办理该企业反映的“{issue['title']}”"),
        (city.secretary, "市营商办，审核全市未办结的问题"),
        (city.showcase_staff, f"{point['name']}（{glossary.SERVICES[point['service']]}），可核验该企业家的绿卡"),
        (city.admin, "市营商办，发卡和管理账号"),
    ]
    rows = []
    for actor, story_line in people:
        assert actor is not None
        user = await User.select(User.display_name).where(User.id == uuid.UUID(actor.id)).first()
        rows.append((actor.username, actor.role.value, user["display_name"], story_line))
    return rows


async def logins_table(city: City) -> RichTable:
    table = RichTable(title=f"演示账号 demo logins (password: {PASSWORD})")
    for column in ("username", "role", "name", "in the story"):
        table.add_column(column, overflow="fold")
    for row in await chain(city):
        table.add_row(*row)
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
        await story(city)
    counts = await activity.counts()
    if not quiet:
        out.print(await logins_table(city))
        out.print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts
