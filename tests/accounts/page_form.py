"""A page's form as a person without JavaScript uses it: find fields by their visible label, type,
pick a radio button by its text, press a button by its text. What is sent is what the page rendered
(hidden fields, values kept from before, the pressed button's formaction), so a field the page forgets
to show again is lost here too."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.test import Client


class PageForm:
    def __init__(self, client: Client, url: str) -> None:
        self.client = client
        self.url = url
        self.load(client.get(url))

    def load(self, response) -> None:
        assert response.status_code < 500, response.status_code
        self.response = response
        self.html = response.content.decode()
        self.soup = BeautifulSoup(self.html, "html.parser")
        self.form = self.soup.select_one("main form[method=post]")

    # --- what the page shows ------------------------------------------------------------------------

    def control(self, label: str):
        """The control a visible label (without „(Pflichtfeld)“) names; fails if no label is linked to it."""
        for tag in self.form.find_all("label"):
            text = "".join(tag.find_all(string=True, recursive=False)).strip()
            if text == label and tag.get("for"):
                control = self.form.find(id=tag["for"])
                assert control is not None, f"label „{label}“ zeigt auf fehlendes Feld #{tag['for']}"
                return control
        raise AssertionError(f"kein Feld mit der Beschriftung „{label}“")

    def value(self, label: str) -> str:
        return self.control(label).get("value", "")

    def radios(self, name: str) -> dict[str, bool]:
        """Each radio button's label text and whether it is checked."""
        return {
            radio.find_parent("label").get_text(strip=True): radio.has_attr("checked")
            for radio in self.form.select(f"input[type=radio][name={name}]")
        }

    def error_of(self, label: str) -> str:
        """The error message a field's aria-describedby points to (radio groups: the fieldset's)."""
        control = self.control(label)
        ids = (control.get("aria-describedby") or "").split()
        texts = [self.soup.find(id=i).get_text(" ", strip=True) for i in ids if i.endswith("_error")]
        return " ".join(texts)

    def group_error(self, legend: str) -> str:
        for fieldset in self.form.find_all("fieldset"):
            if fieldset.legend and fieldset.legend.get_text(strip=True).startswith(legend):
                ids = (fieldset.get("aria-describedby") or "").split()
                return " ".join(self.soup.find(id=i).get_text(" ", strip=True) for i in ids if i.endswith("_error"))
        raise AssertionError(f"keine Auswahl „{legend}“")

    @property
    def alert(self) -> str:
        alert = self.soup.select_one("main [role=alert]")
        return alert.get_text(" ", strip=True) if alert else ""

    # --- what the person does -----------------------------------------------------------------------

    def fill(self, values: dict[str, str]) -> PageForm:
        for label, text in values.items():
            control = self.control(label)
            if control.name == "select":
                for option in control.find_all("option"):
                    if option.get_text(strip=True) == text:
                        option["selected"] = ""
                    elif option.has_attr("selected"):
                        del option["selected"]
            else:
                control["value"] = text
        return self

    def choose(self, name: str, text: str) -> PageForm:
        radios = self.form.select(f"input[type=radio][name={name}]")
        for radio in radios:
            if radio.find_parent("label").get_text(strip=True) == text:
                radio["checked"] = ""
            elif radio.has_attr("checked"):
                del radio["checked"]
        assert any(radio.has_attr("checked") for radio in radios), f"keine Auswahl „{text}“"
        return self

    def press(self, button_text: str, **client_kwargs) -> PageForm:
        button = next(
            (b for b in self.form.find_all("button") if b.get_text(strip=True) == button_text),
            None,
        )
        assert button is not None, f"kein Knopf „{button_text}“"
        action = button.get("formaction") or self.form.get("action") or self.url
        self.load(self.client.post(action, self._data(), **client_kwargs))
        return self

    def _data(self) -> dict[str, str]:
        data: dict[str, str] = {}
        for control in self.form.find_all(["input", "select", "textarea"]):
            name = control.get("name")
            if not name:
                continue
            if control.name == "select":
                options = control.find_all("option")
                chosen = next((o for o in options if o.has_attr("selected")), options[0] if options else None)
                data[name] = chosen.get("value", chosen.get_text()) if chosen else ""
            elif control.name == "textarea":
                data[name] = control.get_text()
            elif control.get("type") in ("radio", "checkbox"):
                if control.has_attr("checked"):
                    data[name] = control.get("value", "on")
            else:
                data[name] = control.get("value", "")
        return data
