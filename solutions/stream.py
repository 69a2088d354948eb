"""Conversions between the plain-text import format and the ``solution`` StreamField.

Plain text becomes one rich-text block (paragraphs split at blank lines) plus an optional numbered
steps block. A stream of exactly that shape converts back to the same text; anything richer is
exported as raw blocks as well, so export → import never loses content.
"""

from __future__ import annotations

import html
import re
import uuid

_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH_END = re.compile(r"</p>\s*", re.IGNORECASE)


def text_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs)


def html_to_text(value: str) -> str:
    value = re.sub(r"<br\s*/?>", "\n", value or "", flags=re.IGNORECASE)
    paragraphs = [html.unescape(_TAG.sub("", part)).strip() for part in _PARAGRAPH_END.split(value)]
    return "\n\n".join(p for p in paragraphs if p)


def stream_from_text(text: str, steps: list[str] | None = None) -> list[dict]:
    """Raw StreamField data (what ``page.solution = …`` accepts)."""
    raw: list[dict] = []
    if text and text.strip():
        raw.append({"type": "text", "value": text_to_html(text), "id": str(uuid.uuid4())})
    if steps:
        raw.append({"type": "steps", "value": [str(s) for s in steps], "id": str(uuid.uuid4())})
    return raw


def _without_ids(raw: list[dict]) -> list[dict]:
    def strip(value):
        if isinstance(value, list):
            return [
                strip(item["value"])
                if isinstance(item, dict)
                and "type" in item
                and "id" in item
                and set(item) <= {"type", "value", "id"}
                and item["type"] == "item"
                else strip(item)
                for item in value
            ]
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "id"}
        return value

    return [{"type": block["type"], "value": strip(block["value"])} for block in raw]


def stream_to_fields(raw: list[dict]) -> dict:
    """``solution`` text and ``steps`` for the export, plus ``solution_blocks`` when the stream holds
    more than those two can express."""
    text_parts = [html_to_text(b["value"]) for b in raw if b["type"] == "text"]
    steps: list[str] = []
    for block in raw:
        if block["type"] == "steps":
            steps.extend(_without_ids([{"type": "s", "value": block["value"]}])[0]["value"])
    text = "\n\n".join(t for t in text_parts if t)
    fields: dict = {"solution": text, "steps": steps}
    if _without_ids(stream_from_text(text, steps)) != _without_ids(raw):
        fields["solution_blocks"] = _without_ids(raw)
    return fields
