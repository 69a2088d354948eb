"""The Content-Security-Policy in a real browser: the public site and the Wagtail admin work under it.

Chromium reports every blocked script or style as a console message ("Refused to …"). A test here
fails on any such message, so a template that brings back an inline script, or a Wagtail update
that needs more than the admin policy allows, is caught. Chromium is handled as in tests/browser/
(skipped with the reason when missing, a failure in CI).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, orm_beside_playwright, require_browser
from tests.security.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server):
    require_browser(axe=False)
    from playwright import sync_api

    with orm_beside_playwright():
        playwright = sync_api.sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = browser.new_page()
        tab.violations = []
        tab.on("console", lambda m: "Content Security Policy" in m.text and tab.violations.append(m.text))
        try:
            yield tab
        finally:
            browser.close()
            playwright.stop()


def test_public_pages_and_admin_run_without_csp_violations(page, live_server, world, actors):
    editor = User.objects.get(username="redakteurin")
    for path in ["/", f"/praxisbeispiele/{world['case']}/", "/kommunen/15083040-barleben/", "/api/v1/docs"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert page.locator("#swagger-ui .info").count() == 1  # Swagger UI rendered from local files
    assert page.violations == []

    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", editor.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + f"/admin/pages/{world['case_id']}/edit/")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-edit-form] #id_title, form #id_title").first.input_value()  # editor rendered
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")  # the userbar for editors on the public site
    assert page.violations == [], page.violations
