"""扫码核验 in Chromium with a fake camera showing a real card's QR: 有效, then the same
presentation token again 二维码已使用, a revoked card 已吊销; manual entry; a reply lost on a
poor network retried without a second redemption; the window's scans of today."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.cards.tables import Redemption
from backend.platform import clock
from tests.web.conftest import log_in
from tests.web.fakecam import camera_showing
from tests.web.world import World, make_world


@pytest.fixture(scope="module")
async def world(http) -> World:
    return await make_world(http)


async def scanner(browsers, camera: Path | None = None):
    page = await (await browsers.context(camera=camera)).new_page()
    from tests.web.conftest import watch

    watch(page)
    await log_in(page, "window1")
    await page.wait_for_url("**/app/#/scan")
    return page


async def verdict(page) -> tuple[str, str]:
    await page.wait_for_selector("#verdict.valid, #verdict.invalid")
    word = await page.text_content("#verdict-word")
    reason = (
        await page.text_content("#verdict-reason") if word == "无效" else await page.text_content("#verdict-holder")
    )
    return word, reason


async def test_the_camera_scans_a_presentation_token_once(browsers, world, tmp_path):
    token = await world.presentation()
    before = await Redemption.count()
    page = await scanner(browsers, camera_showing(tmp_path / "card.y4m", token))
    assert await verdict(page) == ("有效", "张*丰")
    text = await page.text_content("#verdict")
    assert "福州绿源科技有限公司" in text and "就医就诊" in text and world.card["number"] in text
    # Readable at arm's length: the verdict word is large.
    size = await page.eval_on_selector("#verdict-word", "el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 72
    assert await Redemption.count() == before + 1

    # One tap and the camera scans again: the same token is refused.
    await page.click("#next-scan")
    await page.wait_for_selector("#verdict.invalid")
    assert await verdict(page) == ("无效", "二维码已使用")
    assert await Redemption.count() == before + 1
    assert page.problems == []


async def test_a_revoked_card_is_refused(browsers, world, tmp_path):
    person, card = await world.holder_with_card("王五", "福州榕城科技有限公司", "wangwu")
    credential = await world.credential(card["id"])
    await world.admin.post(f"/api/v1/cards/{card['id']}/revoke", json={"reason": "列入严重失信名单"})
    page = await scanner(browsers, camera_showing(tmp_path / "revoked.y4m", credential))
    assert await verdict(page) == ("无效", "已吊销")
    assert card["number"] in await page.text_content("#verdict")


async def test_a_card_without_this_service_is_refused(browsers, world, tmp_path):
    person, card = await world.holder_with_card("赵六", "福州海峡物流有限公司", "zhaoliu", services=["tourism"])
    page = await scanner(browsers, camera_showing(tmp_path / "tourism.y4m", await world.presentation(person)))
    assert await verdict(page) == ("无效", "非本服务点服务")


async def test_manual_entry_when_there_is_no_camera(browsers, world):
    page = await scanner(browsers)  # no fake device: getUserMedia fails
    await page.wait_for_selector("#camera-status.full")
    assert await page.get_attribute("#manual", "open") is not None
    await page.fill("#manual-token", "not a card")
    await page.click("#manual button[type=submit]")
    assert await verdict(page) == ("无效", "无法识别")
    await page.click("#next-scan")
    await page.fill("#manual-token", await world.presentation())
    await page.click("#manual button[type=submit]")
    assert await verdict(page) == ("有效", "张*丰")


async def test_a_lost_reply_is_retried_without_a_second_redemption(browsers, world):
    page = await scanner(browsers)
    await page.wait_for_selector("#camera-status.full")
    lost = []

    async def lose_first_reply(route):
        if not lost:
            lost.append(await route.fetch())  # the server judges and redeems; the phone never hears back
            await route.abort("connectionreset")
        else:
            await route.continue_()

    await page.route("**/api/v1/verifications", lose_first_reply)
    before = await Redemption.count()
    await page.fill("#manual-token", await world.presentation())
    await page.click("#manual button[type=submit]")
    await page.wait_for_selector("#verdict.failed #retry-scan")
    assert "网络异常" in await page.text_content("#verdict")
    assert await Redemption.count() == before + 1  # it did reach the server
    await page.click("#retry-scan")
    # The retry carries the same Idempotency-Key: the first verdict, not 二维码已使用, and no second row.
    assert await verdict(page) == ("有效", "张*丰")
    assert await Redemption.count() == before + 1


async def test_the_windows_scans_of_today(browsers, world):
    await world.verify(await world.presentation())
    elsewhere = await world.factory.user("service_staff", username="window2")  # another point
    page = await scanner(browsers)
    await page.click("a[href='#/today']")
    await page.wait_for_selector("#today-total")
    total = int(await page.text_content("#today-total"))
    day = clock.today().isoformat()  # Asia/Shanghai, as the page counts
    mine = await world.staff.get(f"/api/v1/redemptions?service_point_id={world.point.id}&from={day}&to={day}&limit=200")
    assert total == len(mine.json()["items"]) >= 1
    rows = await page.locator("#today-list li").all_text_contents()
    assert len(rows) == total and all("张*丰" in r and "福州绿源科技有限公司" in r for r in rows)
    assert (await elsewhere.get(f"/api/v1/redemptions?service_point_id={world.point.id}")).status_code == 403
