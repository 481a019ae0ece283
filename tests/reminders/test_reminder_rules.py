"""Each rule against the real domains: who hears of what, when, and only once."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from backend.platform import clock
from backend.reminders import rules
from backend.reminders.sweep import sweep
from backend.reminders.tables import Notification, WebhookDelivery
from tests.reminders import world as w
from tests.reminders.helpers import Receiver, shanghai, verify
from tests.reminders.test_webhooks import subscribe


async def enterprise_name(world: w.World) -> str:
    return (await world.admin.get(f"/api/v1/enterprises/{world.enterprise_id}")).json()["name"]


async def sent(rule: str) -> Counter:
    rows = await Notification.select(Notification.user_id, Notification.subject_id).where(Notification.rule == rule)
    return Counter((r["subject_id"], str(r["user_id"])) for r in rows)


async def test_at_one_moment_every_rule_reaches_exactly_its_recipients_once(factory):
    world = await w.build(factory)
    first = await sweep()
    second = await sweep()
    assert first.failed_rules == [] and second.sent == []
    rows = await Notification.select(Notification.rule, Notification.subject_id, Notification.user_id)
    got = Counter((r["rule"], r["subject_id"], str(r["user_id"])) for r in rows)
    want = Counter((rule, subject, user) for (rule, subject), users in w.expected(world).items() for user in users)
    assert got == want
    assert world.other_secretary.id not in {u for (_, _, u) in got}


async def test_due_soon_fires_one_working_day_ahead_and_overdue_escalates_after_three(factory):
    world = await w.build(factory)
    near = world.ids["near_issue"]  # due end of Thu 2026-12-10
    late = world.ids["late_issue"]  # due end of Wed 2026-12-02
    clock.set_now(shanghai(2026, 12, 8, 10, 0))  # Tue: the 10th is two working days away
    assert not [i for i in (await sweep(rules=[rules.issue_due_soon])).sent if i.subject_id == near]
    clock.set_now(shanghai(2026, 12, 4, 23, 0))  # Fri night: overdue (urgent), not yet escalated
    result = await sweep(rules=[rules.issue_overdue, rules.issue_escalated])
    assert [(i.rule, i.subject_id) for i in result.sent] == [("issue_overdue", late)]
    clock.set_now(shanghai(2026, 12, 6, 23, 0))  # Sunday: still two working days late
    assert (await sweep(rules=[rules.issue_escalated])).sent == []
    clock.set_now(shanghai(2026, 12, 7, 0, 30))  # Mon: Thu, Fri, Mon gone: escalated, even at night
    result = await sweep(rules=[rules.issue_overdue, rules.issue_escalated])
    assert [(i.rule, i.subject_id) for i in result.sent] == [("issue_escalated", late)]
    assert await sent("issue_escalated") == Counter({(late, world.leader.id): 1})


async def test_across_the_national_day_holiday(factory):
    admin = await factory.user("admin")
    staff = await factory.user("department")
    enterprise = await factory.enterprise()
    leader = await factory.user("leader", district="鼓楼区")
    await admin.post(
        "/api/v1/assignments",
        json={
            "enterprise_id": enterprise.id,
            "leader_id": leader.id,
            "team": [],
            "mechanism": {"visit_interval_days": 365},
        },
    )
    clock.set_now(shanghai(2026, 9, 20, 10, 0))
    near = await w.issue(admin, enterprise.id, staff.actor.department_id, dt.date(2026, 10, 8), "节后到期")
    late = await w.issue(admin, enterprise.id, staff.actor.department_id, dt.date(2026, 9, 30), "节前到期")
    # Wed 30 Sep: the next working day is 8 Oct, after the holiday, so the 8th is "within one working day".
    clock.set_now(shanghai(2026, 9, 30, 10, 0))
    assert [i.subject_id for i in (await sweep(rules=[rules.issue_due_soon])).sent] == [late, near]
    # Through the holiday the 30 Sep issue is overdue but not escalated: no working day passes.
    clock.set_now(shanghai(2026, 10, 7, 10, 0))
    result = await sweep(rules=[rules.issue_overdue, rules.issue_escalated])
    assert [(i.rule, i.subject_id) for i in result.sent] == [("issue_overdue", late)]
    clock.set_now(shanghai(2026, 10, 9, 10, 0))  # 8th and 9th: two working days
    assert (await sweep(rules=[rules.issue_escalated])).sent == []
    clock.set_now(shanghai(2026, 10, 10, 10, 0))  # Saturday the 10th is an adjusted working day
    assert [i.subject_id for i in (await sweep(rules=[rules.issue_escalated])).sent] == [late]


async def test_a_visit_moves_the_next_visit_reminder(factory):
    world = await w.build(factory)
    clock.set_now(shanghai(2026, 11, 30, 10, 0))  # started 1 Nov, every 30 days: due 1 Dec
    assert (await sweep(rules=[rules.visit_overdue])).sent == []
    clock.set_now(shanghai(2026, 12, 1, 10, 0))
    [item] = (await sweep(rules=[rules.visit_overdue])).sent
    assert (item.subject_id, item.occasion) == (world.ids["assignment"], "2026-12-01")
    r = await world.leader.post(
        "/api/v1/visits",
        json={
            "enterprise_id": world.enterprise_id,
            "visited_at": clock.now().isoformat(),
            "summary": "走访",
            "attendees": [],
            "financing_coordinated": "0",
            "hires_helped": 0,
            "issues": [],
        },
    )
    assert r.status_code == 201, r.text
    clock.set_now(shanghai(2026, 12, 30, 10, 0))
    assert (await sweep(rules=[rules.visit_overdue])).sent == []
    clock.set_now(shanghai(2026, 12, 31, 10, 0))
    [item] = (await sweep(rules=[rules.visit_overdue])).sent
    assert item.occasion == "2026-12-31"


async def test_a_renewed_card_is_reminded_again_before_its_new_date_and_a_revoked_one_never(factory):
    world = await w.build(factory)
    [item] = (await sweep(rules=[rules.card_expiring])).sent
    assert item.recipients == 2
    r = await world.admin.post(
        f"/api/v1/cards/{world.ids['card']}/renew", json={"valid_until": "2027-01-05T00:00:00+08:00"}
    )
    assert r.status_code == 200, r.text
    clock.set_now(shanghai(2026, 12, 10, 10, 0))
    [again] = (await sweep(rules=[rules.card_expiring])).sent
    assert again.occasion != item.occasion
    r = await world.admin.post(f"/api/v1/cards/{world.ids['card']}/revoke", json={"reason": "列入严重失信名单"})
    assert r.status_code == 200, r.text
    clock.set_now(shanghai(2027, 1, 2, 10, 0))
    assert (await sweep(rules=[rules.card_expiring])).sent == []


async def test_revoking_a_card_sends_one_signed_card_revoked_webhook(factory, monkeypatch):
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")  # the receiver is on the loopback
    world = await w.build(factory)
    with Receiver() as receiver:
        await subscribe(world.admin, receiver.url, ["card.revoked"])
        r = await world.admin.post(f"/api/v1/cards/{world.ids['card']}/revoke", json={"reason": "列入严重失信名单"})
        assert r.status_code == 200
        assert (
            await world.admin.post(f"/api/v1/cards/{world.ids['card']}/revoke", json={"reason": "again"})
        ).status_code == 409
        run = (await world.admin.post("/api/v1/admin/reminders/run")).json()
    assert run["webhooks"]["delivered"] == 1
    [request] = receiver.requests
    body = receiver.bodies()[0]
    assert verify(request) and body["event"] == "card.revoked"
    assert body["subject"] == {"type": "card", "id": world.ids["card"]} and body["data"]["reason"] == "列入严重失信名单"


async def test_the_digest_goes_weekly_to_secretaries_with_unresolved_issues_in_their_scope(factory):
    world = await w.build(factory)
    [a, b] = (await sweep(rules=[rules.issues_digest])).sent
    assert {a.subject_id, b.subject_id} == {world.secretary.id, world.city_secretary.id}
    [note] = (await world.secretary.get("/api/v1/notifications")).json()["items"]
    name = await enterprise_name(world)
    assert note["title"] == "本周未办结问题汇总：2 件（逾期 1 件）"
    assert note["body"].splitlines() == [
        f"· {name}「用地审批超期」（2026-11-25 提出）（已逾期）",
        f"· {name}「用电扩容」（2026-11-25 提出）",
    ]
    clock.set_now(shanghai(2026, 12, 11, 10, 0))  # same ISO week
    assert (await sweep(rules=[rules.issues_digest])).sent == []
    clock.set_now(shanghai(2026, 12, 14, 10, 0))  # next week
    assert len((await sweep(rules=[rules.issues_digest])).sent) == 2


async def test_a_chamber_plan_on_pace_is_left_alone(factory):
    world = await w.build(factory)
    chamber = await factory.chamber(district="鼓楼区")
    r = await world.admin.post(
        "/api/v1/chamber-plans",
        json={"leader_id": world.leader.id, "chamber_id": chamber.id, "year": 2026, "planned_visits": 2},
    )
    assert r.status_code == 201, r.text
    r = await world.leader.post(
        "/api/v1/visits",
        json={
            "chamber_id": chamber.id,
            "visited_at": clock.now().isoformat(),
            "summary": "商会座谈",
            "attendees": [],
            "financing_coordinated": "0",
            "hires_helped": 0,
            "issues": [],
        },
    )
    assert r.status_code == 201, r.text  # 1 of 2 by December: on pace (2 x 11/12 rounds down to 1)
    clock.set_now(shanghai(2026, 1, 20, 10, 0))  # January: no whole month gone yet
    assert (await sweep(rules=[rules.chamber_plan_behind])).sent == []
    clock.set_now(w.WORLD_NOW)
    [item] = (await sweep(rules=[rules.chamber_plan_behind])).sent
    assert (item.subject_id, item.occasion) == (world.ids["plan"], "2026-12")


async def test_every_rule_queues_one_delivery_per_subscription(factory):
    world = await w.build(factory)
    events = [
        "issue.due_soon",
        "issue.overdue",
        "issue.escalated",
        "visit.overdue",
        "card.expiring",
        "chamber_plan.behind",
        "issues.digest",
    ]
    await subscribe(world.admin, "https://one.example.com/hook", events)
    await subscribe(world.admin, "https://two.example.com/hook", ["issue.overdue"])
    await sweep()
    await sweep()
    rows = await WebhookDelivery.select(WebhookDelivery.event)
    assert Counter(r["event"] for r in rows) == Counter(events) + Counter({"issue.overdue": 1, "issues.digest": 1})


async def test_notifications_name_the_enterprise_and_the_issue_in_chinese(factory):
    world = await w.build(factory)
    await sweep()
    name = await enterprise_name(world)
    inbox = {n["rule"]: n for n in (await world.staff.get("/api/v1/notifications")).json()["items"]}
    assert inbox["issue_overdue"]["title"] == f"问题已逾期：{name}「用地审批超期」"
    assert inbox["issue_overdue"]["body"] == (
        f"{name}反映的「用地审批超期」（2026-11-25 提出）已于 2026-12-02 23:59 到期，仍未办结。"
    )
    assert inbox["issue_due_soon"]["title"] == f"问题即将到期：{name}「用电扩容」"
    holder = (await world.holder.get("/api/v1/me")).json()["display_name"]
    [card] = (await world.holder.get("/api/v1/notifications")).json()["items"]
    assert card["title"] == f"绿卡即将到期：{name} {holder}"
    leader = {n["rule"]: n["title"] for n in (await world.leader.get("/api/v1/notifications")).json()["items"]}
    assert leader["visit_overdue"] == f"走访到期：{name}"


async def test_the_digest_tells_same_titled_issues_apart(factory):
    world = await w.build(factory)
    other = await factory.enterprise(district="鼓楼区")
    clock.set_now(shanghai(2026, 11, 25, 15, 0))
    twin = await w.issue(world.admin, world.enterprise_id, world.department_id, dt.date(2026, 12, 2), "用地审批超期")
    await w.issue(world.admin, other.id, world.department_id, dt.date(2026, 12, 2), "用地审批超期")
    clock.set_now(w.WORLD_NOW)
    await sweep(rules=[rules.issues_digest])
    [note] = (await world.secretary.get("/api/v1/notifications")).json()["items"]
    lines = note["body"].splitlines()
    assert len(lines) == 4 and len(set(lines)) == 4  # no two lines read alike
    name = await enterprise_name(world)
    same = [line for line in lines if line.startswith(f"· {name}「用地审批超期」（2026-11-25 提出）")]
    numbers = {line.split("编号 ")[1][:6] for line in same}
    suffix = {i.replace("-", "")[-6:].upper() for i in (world.ids["late_issue"], twin)}
    assert len(same) == 2 and numbers == suffix  # numbered, since enterprise, title and day are alike
    assert f"· {other.name}「用地审批超期」（2026-11-25 提出）（已逾期）" in lines  # the enterprise tells it apart
