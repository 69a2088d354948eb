"""Phone (375 px) and desktop (1280 px): the main pages fit the screen, and full-page screenshots
are kept in test-artifacts/screenshots/<page>-<width>.png for a human look."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, SCREENSHOTS, login, screenshot

# The live server needs a transactional database; serialized_rollback brings back the migrated data
# (root page, topics) that Django's flush after each such test removes. Deselect: -m "not browser".
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Elements sticking out to the right, named so a developer can find them (only asked for when the
# page scrolls sideways).
TOO_WIDE = """(width) => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.classList.length ? '.' + [...el.classList].join('.') : '');
      out.push(`${name} (rechts bei ${Math.round(box.right)} px)`);
    }
  }
  return out.slice(0, 8);
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_main_pages_fit_phone_and_desktop(site_data, open_request, new_context, viewport):
    page = new_context(viewport).new_page()
    login(page, "buergermeisterin")
    pages = {
        "startseite": "/",
        "suche": "/suche/?q=Schlagl%C3%B6cher",
        "praxisbeispiel": site_data.cases["barleben-schlagloecher"].url,
        "kommune": site_data.towns["barleben"].get_absolute_url(),
        "thema": "/themen/strassen-infrastruktur/",
        "meine-anfragen": "/meine-anfragen/",
    }
    width = viewport["width"]
    problems = []
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_be_visible()
        box = heading.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > width + 1:
            problems.append(f"{name}: die Überschrift ragt aus dem Bild ({box})")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(
                f"{name}: {scroll_width} px breit bei {width} px Bildschirm: {page.evaluate(TOO_WIDE, width)}"
            )
        path = screenshot(page, name)
        assert path.stat().st_size > 5_000, f"{path} ist leer"

    assert not problems, "\n".join(problems)
    assert {p.name for p in SCREENSHOTS.glob(f"*-{width}.png")} >= {f"{n}-{width}.png" for n in pages}
