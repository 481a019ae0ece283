"""我的绿卡 in Chromium: the card as printed, the rotating QR decoded from a screenshot and
verified through the API, the rotation, the old token refused after use, a suspended card."""

from __future__ import annotations

import pytest

from backend.cards.tables import Redemption
from tests.web.conftest import log_in
from tests.web.world import World, decode_qr, make_world


@pytest.fixture(scope="module")
async def world(http) -> World:
    return await make_world(http)


async def test_the_card_as_printed_with_its_services(browsers, world):
    page = await browsers.page()
    await log_in(page, "zhangsanfeng")
    await page.wait_for_selector(".gcard")
    assert page.url.endswith("/app/#/card")
    face = await page.text_content(".gcard")
    for text in ("张三丰", "福州绿源科技有限公司", world.card["number"], "就医就诊", "候机乘车", "有效"):
        assert text in face, text
    services = await page.locator(".services li").all_text_contents()
    assert len(services) == 6
    assert [s for s in services if "已开通" in s] == [s for s in services if "就医就诊" in s or "候机乘车" in s]
    assert page.problems == []


async def test_the_rotating_qr_verifies_once_and_renews_before_it_expires(browsers, world):
    page = await browsers.page()
    await page.clock.install()
    await log_in(page, "zhangsanfeng")
    await page.click("#show-qr")
    qr = page.locator("#qr[data-serial='1']")
    await qr.wait_for()
    first = decode_qr(await qr.screenshot())
    assert (await page.text_content("#qr-countdown")).endswith("秒后自动更新")
    assert "张*丰" in await page.text_content(".qr-screen")

    verdict = await world.verify(first)
    assert verdict["result"] == "valid" and verdict["card"]["number"] == world.card["number"]

    # Fifty seconds later (the token lives 60 s) the page has fetched and drawn a new one.
    await page.clock.fast_forward(51_000)
    renewed = page.locator("#qr[data-serial='2']")
    await renewed.wait_for()
    second = decode_qr(await renewed.screenshot())
    assert second != first
    # The old one, once used, is refused; the new one works.
    again = await world.verify(first)
    assert (again["result"], again["reason"]) == ("invalid", "replayed")
    assert (await world.verify(second))["result"] == "valid"
    assert page.problems == []


async def test_history_names_where_the_card_was_used(browsers, world):
    await world.verify(await world.presentation())
    page = await browsers.page()
    await log_in(page, "zhangsanfeng")
    await page.wait_for_selector(".gcard")
    await page.click("a[href='#/history']")
    await page.wait_for_selector("#history li")
    rows = await page.locator("#history li").all_text_contents()
    assert len(rows) == await Redemption.count()
    assert all("福建省立医院绿色通道" in r and "就医就诊" in r for r in rows)


async def test_a_suspended_card_says_so_instead_of_a_qr(browsers, world):
    reply = await world.admin.post(f"/api/v1/cards/{world.card['id']}/suspend", json={"reason": "年度复核未通过"})
    assert reply.status_code == 200, reply.text
    try:
        page = await browsers.page()
        await log_in(page, "zhangsanfeng")
        notice = page.locator("#card-notice")
        await notice.wait_for()
        text = await notice.text_content()
        assert "您的绿卡已暂停使用" in text and "年度复核未通过" in text
        assert await page.text_content("#card-status") == "已暂停"
        assert await page.locator("#show-qr").count() == 0
        await page.goto("/app/#/qr")  # no QR even when asked for directly
        await page.wait_for_url("**/app/#/card")
        await notice.wait_for()
        assert await page.locator("#qr").count() == 0
    finally:
        await world.admin.post(f"/api/v1/cards/{world.card['id']}/reinstate", json={"reason": "复核通过"})


async def test_a_revoked_card_says_so(browsers, world):
    person, card = await world.holder_with_card("李四", "福州闽江贸易有限公司", "lisi")
    await world.admin.post(f"/api/v1/cards/{card['id']}/revoke", json={"reason": "列入严重失信名单"})
    page = await browsers.page()
    await log_in(page, "lisi")
    notice = page.locator("#card-notice")
    await notice.wait_for()
    assert "您的绿卡已吊销" in await notice.text_content() and "列入严重失信名单" in await notice.text_content()
    assert await page.text_content("#card-status") == "已吊销"
