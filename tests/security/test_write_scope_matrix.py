"""The write-scope matrix: every write operation of the served OpenAPI document × every role ×
an object inside and outside the caller's scope.

The operations are read from the app's OpenAPI document, so a new write endpoint without a row in
ROWS fails here (and a row for an operation that no longer exists fails too). Each row says how
to make the request for each case — `in` first (the caller's own district, enterprise, visit,
department…), then the ways of reaching outside it — and what each role gets. A refused request
must answer problem+json and leave every table exactly as it was; a granted one must write.

The world has two districts. HOME (鼓楼区) holds every scoped caller: the district admin, the
secretary, the leader and their team member (a deputy leader) of the HOME enterprise, the HOME
department's staff, that enterprise's owner and a HOME service point's staff. AWAY (台江区) has
the same kinds of things, none of them the callers'. The city admin is unscoped. Tables are
emptied before every test, so each row (one test) builds its world; each case makes its own
fresh target, so one role's successful write never changes what the next role meets.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import pytest
from PIL import Image

from backend.app import create_app
from backend.piccolo_conf import APP_REGISTRY
from backend.platform import clock, db
from backend.platform.ids import new_id
from backend.reminders.tables import Notification
from tests.factories import Caller, Factory, credit_code

HOME, AWAY = "鼓楼区", "台江区"
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)  # a Wednesday, 16:00 in Shanghai: working hours
VISITED = "2026-06-10T09:00:00+08:00"
ROLES = (
    "admin",
    "district_admin",
    "secretary",
    "leader",
    "team",
    "department",
    "entrepreneur",
    "service_staff",
    "anonymous",
)
WRITE_METHODS = ("post", "put", "patch", "delete")
TABLES = [t for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]
_seq = itertools.count(1)


# -- the world ------------------------------------------------------------------------------------


@dataclass
class Side:
    """One district's things: an enterprise assigned to a leader with a deputy on the team, an
    owner, a department with staff, a chamber."""

    district: str
    leader: Caller
    deputy: Caller
    owner: Caller
    staff: Caller
    department_id: str
    chamber_id: str

    @property
    def enterprise_id(self) -> str:
        return self.owner.actor.enterprise_id


@dataclass
class World:
    factory: Factory
    admin: Caller  # city-wide
    home: Side
    away: Side
    city_department_id: str
    callers: dict[str, Caller | None] = field(default_factory=dict)

    def side(self, where: str) -> Side:
        return self.home if where == HOME else self.away

    async def ok(self, method: str, url: str, caller: Caller | None = None, **kw: Any) -> dict:
        reply = await self.factory.client.request(method, url, headers=(caller or self.admin).headers, **kw)
        assert reply.status_code in (200, 201), reply.text
        return reply.json()

    async def enterprise(self, where: str) -> str:
        return (await self.factory.enterprise(district=where)).id

    async def card(self, where: str, suspended: bool = False) -> str:
        owner = await self.factory.user("entrepreneur", district=where)
        card = await self.ok(
            "POST",
            "/api/v1/cards",
            json={"holder_id": owner.id, "enterprise_id": owner.actor.enterprise_id, "services": ["medical", "legal"]},
        )
        if suspended:
            await self.ok("POST", f"/api/v1/cards/{card['id']}/suspend", json={"reason": "年审未通过"})
        return card["id"]

    async def assignment(self, where: str) -> str:
        body = {
            "enterprise_id": await self.enterprise(where),
            "leader_id": self.side(where).leader.id,
            "mechanism": {"visit_interval_days": 30},
        }
        return (await self.ok("POST", "/api/v1/assignments", json=body))["id"]

    async def issue(self, where: str, **kw: Any) -> str:
        body = {
            "enterprise_id": self.side(where).enterprise_id,
            "title": "用地审批慢",
            "description": "",
            "category": "land",
            **kw,
        }
        return (await self.ok("POST", "/api/v1/issues", json=body))["id"]

    async def visit(self, where: str) -> str:
        side = self.side(where)
        body = {"enterprise_id": side.enterprise_id, "visited_at": VISITED, "summary": "走访"}
        return (await self.ok("POST", "/api/v1/visits", side.leader, json=body))["id"]

    async def notification(self, user_id: str) -> str:
        row = Notification(
            id=new_id(),
            user_id=user_id,
            rule="issues_digest",
            event="issues.digest",
            subject_type="district",
            subject_id=HOME,
            title="本周未办结问题",
            created_at=clock.now(),
        )
        await Notification.insert(row)
        return str(row.id)


async def side(factory: Factory, district: str, admin: Caller) -> Side:
    department = await factory.department(district=district)
    leader = await factory.user("leader", district=district)
    deputy = await factory.user("leader", district=district)
    owner = await factory.user("entrepreneur", district=district)
    reply = await admin.post(
        "/api/v1/assignments",
        json={
            "enterprise_id": owner.actor.enterprise_id,
            "leader_id": leader.id,
            "team": [deputy.id],
            "mechanism": {"visit_interval_days": 30},
        },
    )
    assert reply.status_code == 201, reply.text
    return Side(
        district=district,
        leader=leader,
        deputy=deputy,
        owner=owner,
        staff=await factory.user("department", district=district, department_id=department.id),
        department_id=department.id,
        chamber_id=(await factory.chamber(district=district)).id,
    )


@pytest.fixture
async def world(factory) -> World:
    clock.set_now(NOW)
    admin = await factory.user("admin")
    home, away = await side(factory, HOME, admin), await side(factory, AWAY, admin)
    w = World(factory=factory, admin=admin, home=home, away=away, city_department_id=(await factory.department()).id)
    w.callers = {
        "admin": admin,
        "district_admin": await factory.user("admin", district=HOME),
        "secretary": await factory.user("secretary", district=HOME),
        "leader": home.leader,
        "team": home.deputy,
        "department": home.staff,
        "entrepreneur": home.owner,
        "service_staff": await factory.user("service_staff", district=HOME),
        "anonymous": None,
    }
    return w


# -- rows -----------------------------------------------------------------------------------------


@dataclass
class Call:
    """One request: path parameters and a JSON body (or multipart files)."""

    path: dict[str, str] = field(default_factory=dict)
    json: Any = None
    files: dict[str, Any] | None = None


Maker = Callable[[World, str], Awaitable[Call]]  # (world, role) -> the request that role sends
Expect = int | str  # a status, or "status code" to check the problem's code too


@dataclass
class Row:
    cases: dict[str, Maker]  # `in` first, then the ways out of scope
    expect: dict[str, tuple[Expect, ...]]  # role -> one expectation per case
    after: Callable[[World], Awaitable[None]] | None = None  # invariants after a granted request


def row(
    cases: dict[str, Maker],
    *,
    default: Expect = "403 forbidden_role",
    after: Callable[[World], Awaitable[None]] | None = None,
    **by_role: Expect | tuple[Expect, ...],
) -> Row:
    """A row: unnamed roles get `default` (the role guard), anonymous callers 401."""
    expect = {}
    for role in ROLES:
        value = by_role.get(role, "401 unauthorized" if role == "anonymous" else default)
        expect[role] = value if isinstance(value, tuple) else (value,) * len(cases)
        assert len(expect[role]) == len(cases), role
    return Row(cases=cases, expect=expect, after=after)


OUT = "403 out_of_scope"
HIDDEN = 404  # a path object outside the caller's scope is not found


def fixed(**parts: Any) -> Maker:
    async def make(w: World, role: str) -> Call:
        return Call(**parts)

    return make


def fixed_json(body: Callable[[], dict]) -> Maker:
    async def make(w, role):
        return Call(json=body())

    return make


def caller_of(w: World, role: str) -> Caller:
    return w.callers[role] or w.admin


# users
def new_owner(where: str) -> Maker:
    async def make(w, role):
        return Call(
            json={
                "username": f"owner{next(_seq)}",
                "password": "long-enough-1",
                "role": "entrepreneur",
                "enterprise_id": await w.enterprise(where),
            }
        )

    return make


def new_department_user(which: str) -> Maker:
    async def make(w, role):
        department = {"city": w.city_department_id, "away": w.away.department_id}[which]
        return Call(
            json={
                "username": f"staff{next(_seq)}",
                "password": "long-enough-1",
                "role": "department",
                "department_id": department,
            }
        )

    return make


def new_service_staff(where: str) -> Maker:
    async def make(w, role):
        point = await w.factory.service_point(district=where)
        return Call(
            json={
                "username": f"scan{next(_seq)}",
                "password": "long-enough-1",
                "role": "service_staff",
                "service_point_id": point.id,
            }
        )

    return make


def new_secretary(where: str) -> Maker:
    return fixed_json(
        lambda: {"username": f"sec{next(_seq)}", "password": "long-enough-1", "role": "secretary", "district": where}
    )


# organisations
def new_enterprise(where: str) -> Maker:
    return fixed_json(
        lambda: {"name": f"企业{next(_seq)}", "credit_code": credit_code(900_000 + next(_seq)), "district": where}
    )


def patch_enterprise(where: str, **changes: Any) -> Maker:
    async def make(w, role):
        return Call(path={"enterprise_id": await w.enterprise(where)}, json={"industry": "制造", **changes})

    return make


def named(prefix: str, **extra: Any) -> Maker:
    return fixed_json(lambda: {"name": f"{prefix}{next(_seq)}", **extra})


# cards
def new_card(where: str) -> Maker:
    async def make(w, role):
        owner = await w.factory.user("entrepreneur", district=where)
        return Call(json={"holder_id": owner.id, "enterprise_id": owner.actor.enterprise_id, "services": ["medical"]})

    return make


def card_action(where: str, body: dict, suspended: bool = False) -> Maker:
    async def make(w, role):
        return Call(path={"card_id": await w.card(where, suspended=suspended)}, json=body)

    return make


def credential_of(where: str) -> Maker:
    async def make(w, role):
        card = await w.card(where)
        token = (await w.ok("GET", f"/api/v1/cards/{card}/credential"))["token"]
        return Call(json={"token": token})

    return make


# five-ones
def new_assignment(where: str) -> Maker:
    async def make(w, role):
        return Call(
            json={
                "enterprise_id": await w.enterprise(where),
                "leader_id": w.side(where).leader.id,
                "mechanism": {"visit_interval_days": 30},
            }
        )

    return make


def on_assignment(where: str, body: Callable[[World], dict] | None = None) -> Maker:
    async def make(w, role):
        return Call(path={"assignment_id": await w.assignment(where)}, json=body(w) if body else None)

    return make


def handover_to_deputy(where: str) -> Maker:
    return on_assignment(where, lambda w: {"leader_id": w.side(where).deputy.id, "reason": "工作调整"})


def enterprise_visit(where: str) -> Maker:
    async def make(w, role):
        return Call(json={"enterprise_id": w.side(where).enterprise_id, "visited_at": VISITED, "summary": "走访"})

    return make


def chamber_visit(chamber_in: str, issue_of: str | None = None) -> Maker:
    async def make(w, role):
        issues = (
            []
            if issue_of is None
            else [
                {
                    "enterprise_id": w.side(issue_of).enterprise_id,
                    "title": "融资难",
                    "description": "",
                    "category": "finance",
                }
            ]
        )
        return Call(
            json={
                "chamber_id": w.side(chamber_in).chamber_id,
                "visited_at": VISITED,
                "summary": "走访商会",
                "issues": issues,
            }
        )

    return make


def photo_on_visit(where: str) -> Maker:
    async def make(w, role):
        image = io.BytesIO()
        Image.new("RGB", (64, 48), (10, 120, 200)).save(image, format="PNG")
        return Call(
            path={"visit_id": await w.visit(where)}, files={"file": ("photo.png", image.getvalue(), "image/png")}
        )

    return make


def chamber_plan(where: str) -> Maker:
    """A leader plans for themselves; admins for the district's leader. A fresh chamber each time."""

    async def make(w, role):
        caller = caller_of(w, role)
        leader = caller.id if caller.actor.role == "leader" else w.side(where).leader.id
        chamber = await w.factory.chamber(district=where)
        return Call(json={"leader_id": leader, "chamber_id": chamber.id, "year": 2026, "planned_visits": 4})

    return make


# issues
def new_issue(where: str, department: str | None = None) -> Maker:
    async def make(w, role):
        body = {
            "enterprise_id": w.home.enterprise_id if department else w.side(where).enterprise_id,
            "title": "融资难",
            "description": "",
            "category": "finance",
        }
        if department:
            body |= {
                "disposition": "assigned",
                "department_id": {"city": w.city_department_id, "away": w.away.department_id}[department],
            }
        return Call(json=body)

    return make


def transition(where: str, department_out: bool = False) -> Maker:
    """Staff who dispatch assign an open issue; department staff start one assigned to a department."""

    async def make(w, role):
        side = w.side(where)
        if role == "department":
            # `out` ones are with another department: the AWAY one, or a city-level one at HOME.
            department = side.department_id if not department_out else w.city_department_id
            issue = await w.issue(where, disposition="assigned", department_id=department)
            return Call(path={"issue_id": issue}, json={"action": "start"})
        issue = await w.issue(where)
        target = w.away.department_id if department_out else side.department_id
        return Call(path={"issue_id": issue}, json={"action": "assign", "department_id": target})

    return make


def feedback_on(where: str) -> Maker:
    async def make(w, role):
        issue = await w.issue(where, disposition="on_spot")
        return Call(path={"issue_id": issue}, json={"satisfied": False, "comment": "没解决"})

    return make


# notifications, webhooks, reminders
def notification_of(whose: str) -> Maker:
    async def make(w, role):
        owner = caller_of(w, role) if whose == "own" else w.away.leader
        return Call(path={"notification_id": await w.notification(owner.id)})

    return make


def inbox_of_caller_and_another() -> Maker:
    async def make(w, role):
        await w.notification(caller_of(w, role).id)
        await w.notification(w.away.leader.id)
        return Call()

    return make


async def others_inbox_untouched(w: World) -> None:
    unread = await Notification.count().where(
        (Notification.user_id == w.away.leader.id) & Notification.read_at.is_null()
    )
    assert unread == await Notification.count().where(Notification.user_id == w.away.leader.id)


WEBHOOK = {
    "url": "https://robot.example.cn/send?key=abc",
    "events": ["issue.overdue"],
    "secret": "a-test-secret-of-32-characters!!",
}


def existing_webhook() -> Maker:
    async def make(w, role):
        return Call(path={"webhook_id": (await w.ok("POST", "/api/v1/webhooks", json=WEBHOOK))["id"]})

    return make


def overdue_issue() -> Maker:
    """Something the sweep must remind of: a HOME issue past its deadline (urgent, any hour)."""

    async def make(w, role):
        await w.issue(
            HOME,
            disposition="assigned",
            department_id=w.home.department_id,
            reported_at=(NOW - dt.timedelta(days=20)).isoformat(),
            due_at=(NOW - dt.timedelta(days=1)).isoformat(),
        )
        return Call()

    return make


# logins
def credentials() -> Maker:
    async def make(w, role):
        return Call(json={"username": caller_of(w, role).actor.username, "password": "correct-horse-1"})

    return make


def refresh_token() -> Maker:
    async def make(w, role):
        pair = await w.factory.client.post("/api/v1/auth/login", json=(await credentials()(w, role)).json)
        return Call(json={"refresh_token": pair.json()["refresh_token"]})

    return make


NOT_ASSIGNED = "403 not_assigned"
LEADERS_ONLY = "403 leaders_only"
CITY_WIDE_ONLY = "403 city_wide_only"

ROWS: dict[tuple[str, str], Row] = {
    # Public: a bearer token, if any, changes nothing.
    ("POST", "/api/v1/auth/login"): row({"own": credentials()}, default=200, anonymous=200),
    ("POST", "/api/v1/auth/refresh"): row({"own": refresh_token()}, default=200, anonymous=200),
    # Holding the refresh token is the authority to end its chain (the app's sign-out).
    ("POST", "/api/v1/auth/logout"): row({"own": refresh_token()}, default=204, anonymous=204),
    ("POST", "/api/v1/users"): row(
        {
            "in": new_owner(HOME),
            "owner_of_away_enterprise": new_owner(AWAY),
            "staff_of_away_department": new_department_user("away"),
            "staff_of_city_department": new_department_user("city"),
            "staff_of_away_point": new_service_staff(AWAY),
            "away_secretary": new_secretary(AWAY),
        },
        admin=201,
        district_admin=(201, OUT, OUT, OUT, OUT, OUT),
    ),
    ("POST", "/api/v1/enterprises"): row(
        {"in": new_enterprise(HOME), "out": new_enterprise(AWAY)}, admin=201, district_admin=(201, OUT)
    ),
    ("PATCH", "/api/v1/enterprises/{enterprise_id}"): row(
        {
            "in": patch_enterprise(HOME),
            "out": patch_enterprise(AWAY),
            "move_out": patch_enterprise(HOME, district=AWAY),
        },
        admin=200,
        district_admin=(200, HIDDEN, OUT),
    ),
    ("POST", "/api/v1/departments"): row(
        {
            "in": named("部门", district=HOME),
            "out": named("部门", district=AWAY),
            "city_level": named("部门", district=None),
        },
        admin=201,
        district_admin=(201, OUT, OUT),
    ),
    ("POST", "/api/v1/service-points"): row(
        {"in": named("服务点", service="legal", district=HOME), "out": named("服务点", service="legal", district=AWAY)},
        admin=201,
        district_admin=(201, OUT),
    ),
    ("POST", "/api/v1/chambers"): row(
        {"in": named("商会", district=HOME), "out": named("商会", district=AWAY)}, admin=201, district_admin=(201, OUT)
    ),
    ("POST", "/api/v1/cards"): row({"in": new_card(HOME), "out": new_card(AWAY)}, admin=201, district_admin=(201, OUT)),
    ("POST", "/api/v1/cards/{card_id}/suspend"): row(
        {"in": card_action(HOME, {"reason": "年审"}), "out": card_action(AWAY, {"reason": "年审"})},
        admin=200,
        district_admin=(200, HIDDEN),
    ),
    ("POST", "/api/v1/cards/{card_id}/reinstate"): row(
        {
            "in": card_action(HOME, {"reason": "复核"}, suspended=True),
            "out": card_action(AWAY, {"reason": "复核"}, suspended=True),
        },
        admin=200,
        district_admin=(200, HIDDEN),
    ),
    ("POST", "/api/v1/cards/{card_id}/revoke"): row(
        {"in": card_action(HOME, {"reason": "失信"}), "out": card_action(AWAY, {"reason": "失信"})},
        admin=200,
        district_admin=(200, HIDDEN),
    ),
    ("POST", "/api/v1/cards/{card_id}/renew"): row(
        {
            "in": card_action(HOME, {"valid_until": "2031-01-01T00:00:00+08:00"}),
            "out": card_action(AWAY, {"valid_until": "2031-01-01T00:00:00+08:00"}),
        },
        admin=200,
        district_admin=(200, HIDDEN),
    ),
    # A green card is honoured at service points in every district.
    ("POST", "/api/v1/verifications"): row(
        {"home_card": credential_of(HOME), "away_card": credential_of(AWAY)}, service_staff=200
    ),
    ("POST", "/api/v1/assignments"): row(
        {"in": new_assignment(HOME), "out": new_assignment(AWAY)}, admin=201, district_admin=(201, OUT)
    ),
    ("PATCH", "/api/v1/assignments/{assignment_id}"): row(
        {
            "in": on_assignment(HOME, lambda w: {"mechanism": {"visit_interval_days": 14}}),
            "out": on_assignment(AWAY, lambda w: {"mechanism": {"visit_interval_days": 14}}),
        },
        admin=200,
        district_admin=(200, HIDDEN),
    ),
    ("POST", "/api/v1/assignments/{assignment_id}/end"): row(
        {
            "in": on_assignment(HOME, lambda w: {"reason": "项目完成"}),
            "out": on_assignment(AWAY, lambda w: {"reason": "项目完成"}),
        },
        admin=200,
        district_admin=(200, HIDDEN),
    ),
    ("POST", "/api/v1/assignments/{assignment_id}/handover"): row(
        {"in": handover_to_deputy(HOME), "out": handover_to_deputy(AWAY)}, admin=200, district_admin=(200, HIDDEN)
    ),
    # Enterprise visits: the assigned leader and team; chamber visits: leaders, issues of the chamber's district.
    ("POST", "/api/v1/visits"): row(
        {
            "in": enterprise_visit(HOME),
            "away_enterprise": enterprise_visit(AWAY),
            "home_chamber": chamber_visit(HOME, issue_of=HOME),
            "home_chamber_issue_of_away_enterprise": chamber_visit(HOME, issue_of=AWAY),
            "away_chamber": chamber_visit(AWAY),
        },
        admin=(NOT_ASSIGNED, NOT_ASSIGNED, LEADERS_ONLY, LEADERS_ONLY, LEADERS_ONLY),
        district_admin=(NOT_ASSIGNED, NOT_ASSIGNED, LEADERS_ONLY, LEADERS_ONLY, LEADERS_ONLY),
        secretary=(NOT_ASSIGNED, NOT_ASSIGNED, LEADERS_ONLY, LEADERS_ONLY, LEADERS_ONLY),
        department=(NOT_ASSIGNED, NOT_ASSIGNED, LEADERS_ONLY, LEADERS_ONLY, LEADERS_ONLY),
        leader=(201, NOT_ASSIGNED, 201, OUT, OUT),
        team=(201, NOT_ASSIGNED, 201, OUT, OUT),
    ),
    ("POST", "/api/v1/visits/{visit_id}/photos"): row(
        {"in": photo_on_visit(HOME), "out": photo_on_visit(AWAY)},
        admin="403 not_visit_team",
        district_admin=("403 not_visit_team", HIDDEN),
        secretary=("403 not_visit_team", HIDDEN),
        department=HIDDEN,
        leader=(201, HIDDEN),
        team=(201, HIDDEN),
    ),
    ("POST", "/api/v1/chamber-plans"): row(
        {"in": chamber_plan(HOME), "out": chamber_plan(AWAY)},
        admin=201,
        district_admin=(201, OUT),
        leader=(201, OUT),
        team=(201, OUT),
    ),
    ("POST", "/api/v1/issues"): row(
        {
            "in": new_issue(HOME),
            "in_to_city_department": new_issue(HOME, department="city"),
            "away_enterprise": new_issue(AWAY),
            "to_away_department": new_issue(HOME, department="away"),
        },
        admin=(201, 201, 201, "422 department_out_of_district"),
        district_admin=(201, 201, OUT, OUT),
        secretary=(201, 201, OUT, OUT),
        leader=(201, 201, "403 enterprise_not_assigned", OUT),
        team=(201, 201, "403 enterprise_not_assigned", OUT),
        entrepreneur=(201, "422 disposition_not_allowed", "403 not_your_enterprise", "422 disposition_not_allowed"),
    ),
    ("POST", "/api/v1/issues/{issue_id}/transitions"): row(
        {"in": transition(HOME), "out": transition(AWAY), "to_away_department": transition(HOME, department_out=True)},
        admin=(200, 200, "422 department_out_of_district"),
        district_admin=(200, HIDDEN, OUT),
        secretary=(200, HIDDEN, OUT),
        department=(200, HIDDEN, HIDDEN),
    ),
    ("POST", "/api/v1/issues/{issue_id}/feedback"): row(
        {"in": feedback_on(HOME), "out": feedback_on(AWAY)}, entrepreneur=(200, HIDDEN)
    ),
    ("POST", "/api/v1/notifications/{notification_id}/read"): row(
        {"own": notification_of("own"), "another_users": notification_of("other")},
        default=(200, "404 notification_not_found"),
    ),
    ("POST", "/api/v1/notifications/read-all"): row(
        {"own_inbox": inbox_of_caller_and_another()}, default=200, after=others_inbox_untouched
    ),
    # City-wide configuration: subscriptions get every district's events; the sweep reminds everyone.
    ("POST", "/api/v1/webhooks"): row({"any": fixed(json=WEBHOOK)}, admin=201, district_admin=CITY_WIDE_ONLY),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): row(
        {"any": existing_webhook()}, admin=204, district_admin=CITY_WIDE_ONLY
    ),
    ("POST", "/api/v1/admin/reminders/run"): row(
        {"something_due": overdue_issue()}, admin=200, district_admin=CITY_WIDE_ONLY
    ),
}


# -- the tests ------------------------------------------------------------------------------------


def write_operations(document: dict) -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path) for path, item in document["paths"].items() for method in item if method in WRITE_METHODS
    )


# Read when the tests are collected, from the same app the server runs; the served copy is compared below.
OPERATIONS = write_operations(create_app().openapi_schema.to_schema())


async def test_the_served_document_and_the_rows_list_the_same_operations(client):
    served = write_operations((await client.get("/schema/openapi.json")).json())
    assert served == OPERATIONS
    assert sorted(set(ROWS) - set(served)) == [], "rows for operations that no longer exist: remove them"
    assert sorted(set(served) - set(ROWS)) == [], "write operations without a row: add one to ROWS"


def _snapshot_sql() -> str:
    """One statement giving every table's rows, in id order, as JSON text: one round trip, not 25."""
    parts = []
    for table in TABLES:
        columns = ", ".join(f'"{c._meta.db_column_name}"' for c in table._meta.columns)
        name = table._meta.tablename
        if db.is_sqlite():
            rows = f'SELECT json_group_array(json_array({columns})) FROM (SELECT * FROM "{name}" ORDER BY id)'
        else:
            rows = f"SELECT coalesce(json_agg(json_build_array({columns}) ORDER BY id)::text, '[]') FROM \"{name}\""
        parts.append(f'({rows}) AS "{name}"')
    return "SELECT " + ", ".join(parts)


async def snapshot() -> dict[str, str]:
    """table name -> all its rows (the worlds are small)."""
    return (await TABLES[0].raw(_snapshot_sql()).run())[0]


async def send(w: World, role: str, method: str, template: str, call: Call):
    caller = w.callers[role]
    headers = caller.headers if caller else {}
    url = template.format(**call.path)
    if call.files is not None:
        return await w.factory.client.request(method, url, files=call.files, headers=headers)
    return await w.factory.client.request(method, url, json=call.json, headers=headers)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
async def test_write_scope(world, method, path):
    spec = ROWS.get((method, path))
    if spec is None:
        pytest.fail(f"{method} {path} has no row in ROWS: say who may write it, inside and outside their scope")
    for role in ROLES:
        for (case, make), expected in zip(spec.cases.items(), spec.expect[role]):
            status, _, code = str(expected).partition(" ")
            call = await make(world, role)
            before = await snapshot()
            reply = await send(world, role, method, path, call)
            where = f"{method} {path} as {role}, case {case}"
            assert reply.status_code == int(status), f"{where}: {reply.status_code} {reply.text}"
            after = await snapshot()
            if reply.status_code >= 400:
                assert reply.headers["content-type"].startswith("application/problem+json"), where
                if code:
                    assert reply.json()["code"] == code, f"{where}: {reply.text}"
                changed = [t for t in before if before[t] != after[t]]
                assert not changed, f"{where}: refused, yet wrote to {changed}"
            else:
                assert before != after, f"{where}: granted, yet wrote nothing"
                if spec.after:
                    await spec.after(world)
