"""The app as a whole in Chromium: one login for every role, sessions that survive a reload and
end with sign-out, two accounts side by side in two tabs, a 401 answered by one refresh, the
shell offline, accessibility basics on every page, and no script error or CSP violation."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.web.conftest import log_in, start_server, watch
from tests.web.world import World, decode_qr, make_world

A11Y = (Path(__file__).parent / "a11y.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
async def world(http) -> World:
    return await make_world(http)


async def accessible(page) -> None:
    problems = await page.evaluate(A11Y)
    assert problems == [], f"{page.url}: {problems}"


@pytest.mark.parametrize(
    "role, words",
    [
        ("admin", "发放和管理绿卡"),
        ("secretary", "审核督办"),
        ("leader", "走访企业"),
        ("department", "交办给本部门"),
    ],
)
async def test_roles_whose_part_comes_later_see_what_the_app_offers_them(browsers, world, role, words):
    await world.factory.user(role, username=f"later_{role}", display_name="测试用户")
    page = await browsers.page()
    await log_in(page, f"later_{role}")
    await page.wait_for_url("**/app/#/home")
    assert words in await page.text_content("#later-text")
    assert "我的绿卡" in await page.text_content("main")
    await accessible(page)
    assert page.problems == []


async def test_a_wrong_password_says_so_in_chinese(browsers, world):
    page = await browsers.page()
    await log_in(page, "zhangsanfeng", "wrong-password")
    alert = page.locator("[role=alert]")
    await alert.wait_for()
    assert await alert.text_content() == "用户名或密码错误。"
    await accessible(page)


async def test_a_problem_is_told_in_the_glossarys_chinese_for_its_code(browsers, world):
    page = await browsers.page()
    await log_in(page, "zhangsanfeng")
    await page.wait_for_url("**/app/#/card")
    await page.goto("/app/#/issues/01900000-0000-7000-8000-000000000000")  # no such issue: 404 issue_not_found
    alert = page.locator("[role=alert]")
    await alert.wait_for()
    assert await alert.text_content() == "页面加载失败未找到该问题。"  # not the English detail, not a generic line
    assert [p for p in page.problems if "404" not in p] == []  # the browser logs the 404 itself


async def test_every_entrepreneur_and_staff_page_is_accessible(browsers, world):
    page = await browsers.page()
    await log_in(page, "zhangsanfeng")
    for route, ready in (
        ("#/card", ".gcard"),
        ("#/qr", "#qr[data-serial]"),
        ("#/history", "main .muted"),
        ("#/issues", "#new-issue"),
        ("#/issues/new", "#issue-form"),
        ("#/me", "#logout"),
    ):
        await page.goto(f"/app/{route}")
        await page.wait_for_selector(ready)
        await accessible(page)
    assert "福州绿源科技有限公司" in await page.text_content("main")  # 我的: whose card, which enterprise
    staff = await browsers.page()
    await log_in(staff, "window1")
    await staff.wait_for_selector("#camera-status.full")  # no camera here: manual entry opens
    await accessible(staff)
    for token in ("garbage", await world.presentation()):
        await staff.fill("#manual-token", token)
        await staff.click("#manual button[type=submit]")
        await staff.wait_for_selector("#verdict.valid, #verdict.invalid")
        await accessible(staff)
        await staff.click("#next-scan")
    await staff.goto("/app/#/today")
    await staff.wait_for_selector("#today-total")
    await accessible(staff)
    assert page.problems == [] and staff.problems == []


async def storage(page) -> str:
    return await page.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")


async def test_a_reload_keeps_the_session_and_no_access_token_is_stored(browsers, world):
    page = await browsers.page()
    await log_in(page, "zhangsanfeng")
    await page.wait_for_selector(".gcard")
    stored = await storage(page)
    assert "refresh_token" in stored and "eyJ" not in stored  # the access token (a JWT) lives in memory only
    await page.reload()
    await page.wait_for_selector(".gcard")
    assert page.url.endswith("#/card")


async def test_sign_out_revokes_the_refresh_chain(browsers, world, http):
    page = await browsers.page()
    await log_in(page, "zhangsanfeng")
    await page.wait_for_selector(".gcard")
    refresh_token = await page.evaluate("JSON.parse(sessionStorage.getItem('gc.tab')).refresh_token")
    await page.click("a[href='#/me']")
    await page.click("#logout")
    await page.wait_for_selector("#username")
    assert await storage(page) == "[[],[]]"
    reply = await http.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert reply.status_code == 401
    await page.reload()
    await page.wait_for_selector("#username")


async def test_a_401_is_answered_by_one_refresh_and_a_retry(browsers, world):
    page = await browsers.page()
    await log_in(page, "zhangsanfeng")
    await page.wait_for_selector(".gcard")
    refreshes, expired = [], []
    page.on("request", lambda r: refreshes.append(r.url) if r.url.endswith("/api/v1/auth/refresh") else None)

    async def expire_once(route):
        if not expired:
            expired.append(1)
            await route.fulfill(
                status=401,
                content_type="application/problem+json",
                body='{"type":"about:blank","title":"Unauthorized","status":401,"detail":"expired","code":"token_expired"}',
            )
        else:
            await route.continue_()

    await page.route("**/api/v1/me/card", expire_once)
    await page.click("a[href='#/history']")
    await page.wait_for_selector("main .muted")
    assert expired == [1] and len(refreshes) == 1
    assert "GC-" in await page.text_content("main")


async def test_two_tabs_two_accounts_show_and_scan_end_to_end(browsers, world):
    context = await browsers.context()
    wallet, window = await context.new_page(), await context.new_page()
    watch(wallet)
    watch(window)
    await log_in(wallet, "zhangsanfeng")
    await wallet.wait_for_selector(".gcard")
    # A second tab does not take over the first tab's session: it asks who is there.
    await window.goto("/app/")
    await window.wait_for_selector("#username")
    await log_in(window, "window1")
    await window.wait_for_url("**/#/scan")
    # Each tab keeps its own account across reloads (each has its own refresh chain).
    await wallet.reload()
    await wallet.wait_for_selector(".gcard")
    await window.reload()
    await window.wait_for_selector(".point")

    await wallet.click("#show-qr")
    token = decode_qr(await wallet.locator("#qr[data-serial]").screenshot())
    # One laptop, two tabs, no camera that can see the screen: the wallet offers the QR as text.
    await wallet.click(".copybox summary")
    assert await wallet.input_value("#qr-text") == token
    await window.wait_for_selector("#camera-status.full")
    await window.fill("#manual-token", token[:200] + "\n" + token[200:])  # pasted, broken over two lines
    await window.click("#manual button[type=submit]")
    await window.wait_for_selector("#verdict.valid")
    assert await window.text_content("#verdict-holder") == "张*丰"

    # A third tab, with both sessions in use, asks for a login; once the window's tab (the last
    # login) is closed, a new tab resumes it, as the installed app does when reopened.
    third = await context.new_page()
    await third.goto("/app/")
    await third.wait_for_selector("#username")
    await window.close()
    fourth = await context.new_page()
    await fourth.goto("/app/")
    await fourth.wait_for_url("**/#/scan")
    assert wallet.problems == [] and window.problems == []


async def test_the_shell_opens_offline(browsers, world):
    own = await start_server()
    try:
        context = await browsers.context(base_url=own.url)
        page = await context.new_page()
        await log_in(page, "zhangsanfeng")
        await page.wait_for_selector(".gcard")
        await page.evaluate("navigator.serviceWorker.ready")
        await page.wait_for_function("navigator.serviceWorker.controller !== null")
    finally:
        own.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(own.url + "/health")
    await page.reload()
    # The page and its scripts come from the cache; the session cannot be resumed without the
    # server, so the app says so and offers the login page.
    await page.wait_for_selector("#username")
    assert "网络异常" in await page.text_content("#toast")
