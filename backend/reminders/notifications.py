"""Each user's inbox: list (newest first, with the unread count), mark one or all read."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from backend.platform import clock
from backend.platform.actor import Actor
from backend.platform.errors import NotFound
from backend.platform.ids import new_id, parse_id
from backend.platform.pagination import page_by_id
from backend.reminders import schemas as s
from backend.reminders.tables import Notification


def _read(row: dict[str, Any]) -> s.NotificationRead:
    return s.NotificationRead(
        id=str(row["id"]),
        rule=row["rule"],
        event=row["event"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        title=row["title"],
        body=row["body"],
        data=msgspec.json.decode(row["data"] or "{}"),
        created_at=row["created_at"],
        read_at=row["read_at"],
        read=row["read_at"] is not None,
    )


def rows_for(reminder: s.Reminder, now: Any) -> list[Notification]:
    """The inbox rows of one reminder, one per recipient (inserted by the sweep)."""
    data = msgspec.json.encode(reminder.payload).decode()
    return [
        Notification(
            id=new_id(),
            user_id=uuid.UUID(user_id),
            rule=reminder.rule,
            event=reminder.event.value,
            subject_type=reminder.subject_type,
            subject_id=reminder.subject_id,
            title=reminder.title[:200],
            body=reminder.body,
            data=data,
            created_at=now,
        )
        for user_id in dict.fromkeys(reminder.recipients)
    ]


async def unread_count(*, actor: Actor) -> int:
    return await Notification.count().where(
        (Notification.user_id == uuid.UUID(actor.id)) & Notification.read_at.is_null()
    )


async def list_notifications(
    *, actor: Actor, unread: bool | None, limit: int, cursor: str | None
) -> s.NotificationPage:
    """The caller's own inbox, newest first."""
    query = Notification.select().where(Notification.user_id == uuid.UUID(actor.id))
    if unread is True:
        query = query.where(Notification.read_at.is_null())
    elif unread is False:
        query = query.where(Notification.read_at.is_not_null())
    rows, next_cursor = await page_by_id(query, Notification.id, limit=limit, cursor=cursor, newest_first=True)
    return s.NotificationPage(
        items=[_read(r) for r in rows], next_cursor=next_cursor, unread_count=await unread_count(actor=actor)
    )


async def mark_read(*, notification_id: str, actor: Actor) -> s.NotificationRead:
    """Mark one of the caller's notifications read (again is harmless); others' answer 404."""
    value = parse_id(notification_id)
    mine = (Notification.id == value) & (Notification.user_id == uuid.UUID(actor.id))
    row = value and await Notification.select().where(mine).first()
    if not row:
        raise NotFound("No such notification.", code="notification_not_found")
    if row["read_at"] is None:
        await Notification.update({Notification.read_at: clock.now()}).where(mine & Notification.read_at.is_null())
        row = await Notification.select().where(mine).first()
    return _read(row)


async def mark_all_read(*, actor: Actor) -> s.ReadAllResult:
    mine_unread = (Notification.user_id == uuid.UUID(actor.id)) & Notification.read_at.is_null()
    count = await Notification.count().where(mine_unread)
    if count:
        await Notification.update({Notification.read_at: clock.now()}).where(mine_unread)
    return s.ReadAllResult(marked_read=count, unread_count=0)
