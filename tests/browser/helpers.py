"""What the browser tests do again and again: sign in, check accessibility, take screenshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "ein-sicheres-passwort-42"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-gpu"]


def require_browser(*, axe: bool) -> None:
    """Skips the calling test with the reason when Chromium (or axe-core) is missing, unless
    BROWSER_TESTS_REQUIRED=1 (CI), where that is a failure."""
    reason = None
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        reason = f"Chromium fehlt unter {CHROMIUM} (apt-get install chromium; .ci/run installiert es)"
    elif axe and not AXE.is_file():
        reason = f"axe-core fehlt unter {AXE} (npm ci installiert es aus package-lock.json)"
    if reason is None:
        return
    if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
        pytest.fail(f"Browser-Tests sind Pflicht (BROWSER_TESTS_REQUIRED=1), aber: {reason}", pytrace=False)
    pytest.skip(reason)


@contextmanager
def orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an asyncio event loop running in the test thread. Django refuses ORM
    calls from a thread with a running loop (SynchronousOnlyOperation), although the calls in the tests
    are ordinary blocking ones and the live server answers from its own thread. So the check is switched
    off while the browser runs, and only then."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def login(page, username: str, password: str = PASSWORD) -> None:
    """Signs in through the site's own login form."""
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(username)
    page.get_by_label("Passwort").fill(password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Anmelden", exact=True).click()
    assert "/konto/anmelden/" not in page.url, f"Anmeldung von {username} fehlgeschlagen"


def admin_login(page, username: str, password: str = PASSWORD) -> None:
    """Signs in through the Wagtail admin's login form."""
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")


def axe_violations(page) -> list[dict]:
    """Runs axe-core with the WCAG 2.0/2.1 A and AA rules on the current page.

    The page must come from a context with ``bypass_csp=True``: axe is an injected script."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


BROKEN_IDREFS = """() => {
  const broken = [];
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) broken.push(`${el.tagName.toLowerCase()}#${el.id} ${attr}="${id}"`);
      }
    }
  }
  return broken;
}"""


def broken_idrefs(page) -> list[str]:
    """References to ids that do not exist (axe accepts them, but a screen reader then reads nothing:
    a hint or an error message silently not announced)."""
    return page.evaluate(BROKEN_IDREFS)


def format_violations(label: str, violations: list[dict]) -> str:
    """One block per rule: id, impact, what to do, and the failing elements' selectors."""
    lines = [f"{label}: {len(violations)} axe-Verstöße"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} – {v['helpUrl']}")
        for node in v["nodes"][:10]:
            target = " > ".join(map(str, node["target"]))
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … und {len(v['nodes']) - 10} weitere")
    return "\n".join(lines)


def page_problems(page, label: str, report: list[str]) -> None:
    """Adds to ``report`` what a page gets wrong for everyone: axe violations, ARIA references to missing ids,
    and content wider than the screen. Journeys collect these and assert an empty report at the end."""
    violations = axe_violations(page)
    if violations:
        report.append(format_violations(f"{label} ({page.url})", violations))
    if broken := broken_idrefs(page):
        report.append(f"{label} ({page.url}): Verweise auf fehlende ids: {broken}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        report.append(f"{label} ({page.url}): {overflow} px breiter als der Bildschirm")


def screenshot(page, name: str) -> Path:
    """Full-page screenshot kept as a test artifact: test-artifacts/screenshots/<name>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
