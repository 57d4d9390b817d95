"""In a real browser: the sign-in limit speaks to the user, a cookie captured before logout is dead after it, the
pages run under the Content-Security-Policy with no violation, and the audit page works for an administrator."""
from __future__ import annotations

import pytest

from tests.factories import make_part, make_user
from warehouse.accounts import rules

pytestmark = pytest.mark.browser


@pytest.fixture
def people(session):
    make_user(session, username="clerk", role="new_store_clerk")
    make_user(session, username="boss", role="admin")
    session.commit()


def sign_in(page, base, username, password="password-123"):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def csp_violations(page) -> list:
    return page.evaluate("window.__csp || []")


def watch_csp(page):
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


def test_the_login_limit_in_the_browser(page, live_server, people):
    for i in range(rules.USER_FREE_FAILURES - 1):
        sign_in(page, live_server, "clerk", f"wrong-guess-{i}")
        assert "用户名或密码错误" in page.locator(".flash.error").inner_text()
    sign_in(page, live_server, "clerk", "wrong-guess-last")
    assert "登录失败次数过多" in page.locator(".flash.error").inner_text()
    sign_in(page, live_server, "clerk")  # the right password, while locked
    assert "登录失败次数过多" in page.locator(".flash.error").inner_text() and "/login" in page.url
    page.screenshot(path="/tmp/security-login-locked-zh.png", full_page=True)
    page.click("#lang-en")
    sign_in(page, live_server, "clerk")
    assert "Too many failed sign-ins" in page.locator(".flash.error").inner_text()
    page.set_viewport_size({"width": 800, "height": 1280})
    page.screenshot(path="/tmp/security-login-locked-en-tablet.png", full_page=True)


def test_a_cookie_captured_before_logout_is_dead_after(page, live_server, people, _playwright_browser):
    sign_in(page, live_server, "clerk")
    page.wait_for_url(f"{live_server}/")
    captured = page.context.cookies()
    page.click("#who ~ form button")
    page.wait_for_url(f"{live_server}/login*")
    other = _playwright_browser.new_context(locale="zh-CN")
    try:
        other.add_cookies(captured)
        stolen = other.new_page()
        stolen.goto(f"{live_server}/")
        assert "/login" in stolen.url  # sent back to sign in
        assert stolen.request.get(f"{live_server}/api/v1/parts").status == 401
    finally:
        other.close()


@pytest.fixture
def enforced(_playwright_browser):
    """A page that enforces the CSP (the shared `page` fixture bypasses it for Playwright's own eval)."""
    context = _playwright_browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def test_pages_run_under_the_csp_and_the_audit_page_shows_changes(enforced, live_server, people, session):
    page = enforced
    make_part(session, part_number="HX-1", name="=HYPERLINK(\"http://x\",\"y\")")
    session.commit()
    watch_csp(page)
    sign_in(page, live_server, "boss")
    page.wait_for_url(f"{live_server}/")
    response = page.goto(f"{live_server}/audit?entity=part")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    first = page.locator("#audit tbody tr").first.inner_text()
    assert "part HX-1" in first and "新建" in first
    page.screenshot(path="/tmp/security-audit-zh.png", full_page=True)
    page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    page.set_viewport_size({"width": 800, "height": 1280})
    page.screenshot(path="/tmp/security-audit-en-tablet.png", full_page=True)
    seen = []
    for path in ("/", "/scan", "/parts", "/parts/HX-1", "/stocktakes", "/print-queue", "/jobs", "/audit"):
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("networkidle")
        seen += csp_violations(page)
    assert seen == []
