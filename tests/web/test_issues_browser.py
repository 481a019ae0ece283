"""码上监督 in Chromium: the entrepreneur files an issue, follows it through the office's
handling, and gives feedback once it is resolved (not satisfied reopens it)."""

from __future__ import annotations

import pytest

from backend.issues.tables import Issue
from tests.web.conftest import log_in
from tests.web.world import World, make_world


@pytest.fixture(scope="module")
async def world(http) -> World:
    return await make_world(http)


async def act(caller, issue_id: str, **body) -> dict:
    reply = await caller.post(f"/api/v1/issues/{issue_id}/transitions", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


async def test_file_follow_and_give_feedback(browsers, world):
    secretary = await world.factory.user("secretary", username="mishu")
    clerk = await world.factory.user("department", username="clerk")
    page = await browsers.page()
    await log_in(page, "zhangsanfeng")
    await page.wait_for_selector(".gcard")
    await page.click("a[href='#/issues']")
    await page.click("#new-issue")

    # Leaving the title out is caught before anything is sent.
    await page.fill("#issue-description", "新厂房用电增容申请已提交一个月，希望加快办理。")
    await page.select_option("#issue-category", "水电气")
    await page.click("#issue-form button[type=submit]")
    assert await Issue.count() == 0
    await page.fill("#issue-title", "用电增容办理慢")
    await page.click("#issue-form button[type=submit]")
    await page.wait_for_selector("#issue-history li")
    assert await Issue.count() == 1
    issue = await Issue.select().first()
    assert (issue["title"], issue["category"], issue["status"]) == ("用电增容办理慢", "水电气", "open")
    assert "待受理" in await page.text_content("main")
    assert "提交问题" in await page.text_content("#issue-history")

    issue_id = str(issue["id"])
    await act(secretary, issue_id, action="assign", department_id=clerk.actor.department_id)
    await act(clerk, issue_id, action="start")
    await act(clerk, issue_id, action="resolve", note="已协调供电公司，下周完成增容。")
    await page.reload()
    await page.wait_for_selector("#feedback-form")
    text = await page.text_content("main")
    assert "已办结，待评价" in text and "已协调供电公司，下周完成增容。" in text
    assert [await li.text_content() for li in await page.locator("#issue-history li .title").all()] == [
        "提交问题 → 待受理",
        "交办部门 → 已交办",
        "开始办理 → 办理中",
        "办结答复 → 已办结，待评价",
    ]

    # Not satisfied needs a reason; with one, the issue goes back to the department.
    await page.click("#feedback-form button:text('不满意')")
    await page.click("#feedback-form button[type=submit]")
    assert "请写明原因" in await page.text_content("#feedback-form [role=alert]")
    await page.fill("#feedback-comment", "增容仍未完成。")
    await page.click("#feedback-form button[type=submit]")
    await page.wait_for_selector("#feedback-given")
    assert "不满意" in await page.text_content("#feedback-given")
    assert (await Issue.select(Issue.status).first())["status"] == "assigned"
    assert "已交办" in await page.text_content("main")

    await act(clerk, issue_id, action="resolve", note="增容已完成并通电。")
    await page.reload()
    await page.click("#feedback-form button:text('满意')")
    await page.click("#feedback-form button[type=submit]")
    await page.wait_for_selector("#feedback-given.ok")
    row = await Issue.select(Issue.status, Issue.satisfied).first()
    assert row["satisfied"] is True

    await page.click("a[href='#/issues']")
    await page.wait_for_selector("#issues li")
    assert "用电增容办理慢" in await page.text_content("#issues")
    assert page.problems == []
