"""Posting Wagtail admin forms the way the editor's browser does: the form as the server rendered it
(hidden fields, prefilled values, ticked boxes, chosen options), with what the editor typed or ticked on
top, sent with the button the editor pressed. Fields inside <template> (empty inline forms the admin's
script copies) are not part of the form until the script adds them, so they are left out."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.template_depth = 0
        self.fields: list[tuple[str, str]] = []
        self.textarea: tuple[str, list[str]] | None = None
        self.select: str | None = None
        self.option: tuple[str | None, bool, list[str]] | None = None
        self.action: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.in_form, self.action = True, a.get("action")
            return
        if tag == "template":
            self.template_depth += 1
        if not self.in_form or self.template_depth:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = (name, [])
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select:
            self.option = (a.get("value"), "selected" in a, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "template" and self.template_depth:
            self.template_depth -= 1
        elif tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            self.fields.append((name, "".join(text).removeprefix("\n")))
            self.textarea = None
        elif tag == "option" and self.option:
            self._close_option()
        elif tag == "select":
            if self.option:
                self._close_option()
            self.select = None

    def _close_option(self) -> None:
        value, selected, text = self.option
        if selected:
            self.fields.append((self.select, value if value is not None else "".join(text).strip()))
        self.option = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.textarea[1].append(data)
        elif self.option:
            self.option[2].append(data)


def rendered_form(html: str, form_id: str) -> tuple[str | None, dict[str, list[str]]]:
    """The form's action and its fields as the browser would send them untouched."""
    parser = _FormFields(form_id)
    parser.feed(html)
    assert parser.action is not None, f"Formular #{form_id} nicht gefunden"
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return parser.action, data


def submit(client, url: str, form_id: str, changes: dict, *, button: str | None = None):
    """GETs ``url``, fills in ``changes`` (a list ticks several boxes; ``None`` unticks/removes) and
    posts the form to its action, as if ``button`` (a submit button's name) was pressed."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    action, data = rendered_form(page.content.decode(), form_id)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    if button:
        data[button] = ["1"]
    return client.post(action or url, data)
