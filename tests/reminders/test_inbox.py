"""Each user's inbox, and the admin's "run the sweep now"."""

from __future__ import annotations

import pytest

from backend.platform import clock
from backend.reminders.sweep import sweep
from backend.reminders.tables import Notification
from tests.reminders.helpers import WEEKDAY_MORNING, reminder, rule_of

INBOX = "/api/v1/notifications"


async def notify(*users, count: int = 1) -> None:
    clock.set_now(WEEKDAY_MORNING)
    await sweep(rules=[rule_of(*(reminder(n, [u.id for u in users]) for n in range(count)))])


async def test_a_user_sees_only_their_own_inbox_newest_first_with_the_unread_count(factory):
    me, other = await factory.user("department"), await factory.user("department")
    await notify(me, other, count=3)
    await notify(other, count=1)
    r = await me.get(INBOX)
    assert r.status_code == 200
    body = r.json()
    assert body["unread_count"] == 3 and body["next_cursor"] is None
    assert [n["subject_id"] for n in body["items"]] == ["subject-2", "subject-1", "subject-0"]
    first = body["items"][0]
    assert first["title"] == "测试提醒 2" and first["read"] is False and first["read_at"] is None
    assert first["event"] == "issue.overdue" and first["data"]["n"] == 2


async def test_marking_read_updates_the_count_and_the_unread_filter(factory):
    me = await factory.user("leader")
    await notify(me, count=3)
    items = (await me.get(INBOX)).json()["items"]
    r = await me.post(f"{INBOX}/{items[0]['id']}/read")
    assert r.status_code == 200 and r.json()["read"] is True and r.json()["read_at"]
    again = await me.post(f"{INBOX}/{items[0]['id']}/read")
    assert again.status_code == 200 and again.json()["read_at"] == r.json()["read_at"]
    unread = (await me.get(INBOX, params={"unread": "true"})).json()
    assert unread["unread_count"] == 2 and len(unread["items"]) == 2
    read = (await me.get(INBOX, params={"unread": "false"})).json()
    assert [n["id"] for n in read["items"]] == [items[0]["id"]]
    r = await me.post(f"{INBOX}/read-all")
    assert r.status_code == 200 and r.json() == {"marked_read": 2, "unread_count": 0}
    assert (await me.get(INBOX)).json()["unread_count"] == 0


async def test_someone_elses_or_an_unknown_notification_answers_404_and_stays_unread(factory):
    me, other = await factory.user("secretary"), await factory.user("secretary")
    await notify(other)
    [theirs] = (await other.get(INBOX)).json()["items"]
    for notification_id in (theirs["id"], "not-an-id", "00000000-0000-7000-8000-000000000000"):
        r = await me.post(f"{INBOX}/{notification_id}/read")
        assert r.status_code == 404 and r.json()["code"] == "notification_not_found"
    assert await Notification.count().where(Notification.read_at.is_null()) == 1


async def test_the_inbox_pages_with_a_cursor(factory):
    me = await factory.user("admin")
    await notify(me, count=5)
    first = (await me.get(INBOX, params={"limit": 2})).json()
    second = (await me.get(INBOX, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    third = (await me.get(INBOX, params={"limit": 2, "cursor": second["next_cursor"]})).json()
    seen = [n["subject_id"] for page in (first, second, third) for n in page["items"]]
    assert seen == [f"subject-{n}" for n in (4, 3, 2, 1, 0)] and third["next_cursor"] is None
    r = await me.get(INBOX, params={"cursor": "garbage!"})
    assert r.status_code == 422


@pytest.mark.parametrize("role", ["admin", "secretary", "leader", "department", "entrepreneur", "service_staff"])
async def test_every_role_has_an_inbox_but_strangers_do_not(factory, client, role):
    caller = await factory.user(role)
    assert (await caller.get(INBOX)).status_code == 200
    assert (await client.get(INBOX)).status_code == 401


async def test_admin_runs_the_sweep_now_and_sees_what_was_sent(factory):
    admin = await factory.user("admin")
    clock.set_now(WEEKDAY_MORNING)
    r = await admin.post("/api/v1/admin/reminders/run")
    assert r.status_code == 200
    body = r.json()
    assert body["sweep"]["sent"] == [] and body["sweep"]["working_hours"] is True
    assert body["webhooks"] == {"attempted": 0, "delivered": 0, "retrying": 0, "failed": 0}


@pytest.mark.parametrize("role", ["secretary", "leader", "department", "entrepreneur", "service_staff"])
async def test_only_admins_run_the_sweep(factory, role):
    caller = await factory.user(role)
    r = await caller.post("/api/v1/admin/reminders/run")
    assert r.status_code == 403 and r.json()["code"] == "forbidden_role"
