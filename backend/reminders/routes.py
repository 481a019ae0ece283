"""Inbox, webhook subscriptions and the admin reminder run; the scheduler's lifespan."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from typing import Any, AsyncIterator

from litestar import Controller, Litestar, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from backend.platform import clock
from backend.platform.actor import Actor, Role
from backend.platform.db import transaction
from backend.platform.guards import ALL_ROLES, requires, requires_city_wide
from backend.platform.routing import DEFAULT_PAGE, Cursor, Limit, page
from backend.platform.schemas import Page
from backend.reminders import notifications, scheduler, service, webhooks
from backend.reminders import schemas as s

# Subscriptions receive every district's events and the sweep reminds the whole city, so both are
# for city-wide (unscoped) admins only; a district-scoped admin gets 403 `city_wide_only`.
CITY_ADMIN = requires_city_wide(Role.ADMIN)


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    guards = [requires(*ALL_ROLES)]

    @get("/", summary="Your own inbox, newest first, with the unread count")
    async def list(
        self,
        actor: NamedDependency[Actor],
        unread: FromQuery[bool | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> s.NotificationPage:
        return await notifications.list_notifications(actor=actor, unread=unread, limit=limit, cursor=cursor)

    @post("/{notification_id:str}/read", status_code=200, summary="Mark one of your notifications read")
    async def read(self, notification_id: FromPath[str], actor: NamedDependency[Actor]) -> s.NotificationRead:
        async with transaction():
            return await notifications.mark_read(notification_id=notification_id, actor=actor)

    @post("/read-all", status_code=200, summary="Mark all your notifications read")
    async def read_all(self, actor: NamedDependency[Actor]) -> s.ReadAllResult:
        async with transaction():
            return await notifications.mark_all_read(actor=actor)


class WebhookController(Controller):
    path = "/api/v1/webhooks"
    tags = ["webhooks"]
    guards = [CITY_ADMIN]

    @post("/", summary="Subscribe a URL to events (city-wide admin); deliveries are signed with the secret")
    async def create(self, data: JSONBody[s.WebhookCreate], actor: NamedDependency[Actor]) -> s.WebhookRead:
        async with transaction():
            return await webhooks.create(data=data, actor=actor)

    @get("/", summary="List webhook subscriptions (city-wide admin)")
    async def list(
        self, active: FromQuery[bool | None] = None, limit: Limit = DEFAULT_PAGE, cursor: Cursor = None
    ) -> Page[s.WebhookRead]:
        return page(await webhooks.list_all(active=active, limit=limit, cursor=cursor))

    @get("/{webhook_id:str}", summary="Read a webhook subscription (city-wide admin)")
    async def read(self, webhook_id: FromPath[str]) -> s.WebhookRead:
        return await webhooks.get(webhook_id=webhook_id)

    @delete("/{webhook_id:str}", summary="Disable a subscription (city-wide admin); its delivery log is kept")
    async def disable(self, webhook_id: FromPath[str]) -> None:
        async with transaction():
            await webhooks.disable(webhook_id=webhook_id)

    @get("/{webhook_id:str}/deliveries", summary="The delivery log of a subscription, newest first (city-wide admin)")
    async def deliveries(
        self,
        webhook_id: FromPath[str],
        status: FromQuery[s.DeliveryStatus | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.DeliveryRead]:
        return page(await webhooks.list_deliveries(webhook_id=webhook_id, status=status, limit=limit, cursor=cursor))


class ReminderAdminController(Controller):
    path = "/api/v1/admin/reminders"
    tags = ["reminders"]
    guards = [CITY_ADMIN]

    @post("/run", status_code=200, summary="Run one reminder sweep now and deliver due webhooks (city-wide admin)")
    async def run(self) -> s.RunResult:
        return await service.run_now()


ROUTERS = [NotificationController, WebhookController, ReminderAdminController]


def _fake_now_for_tests() -> None:
    """TEST ONLY: GREENCARD_FAKE_NOW (ISO-8601 with offset) freezes this process's clock.

    The multi-process test starts real servers that must agree on "now"; never set it in production.
    """
    raw = os.environ.get("GREENCARD_FAKE_NOW")
    if raw:
        clock.set_now(dt.datetime.fromisoformat(raw))


@contextlib.asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[Any]:
    """Start the reminder timetable with the app, stop it with the app."""
    _fake_now_for_tests()
    async with scheduler.running():
        yield
