"""Suggestions while typing: case titles, topics and municipalities whose names start with (or
contain) what was typed, umlaut-insensitive."""

from __future__ import annotations

from municipalities.selectors import municipality_search
from municipalities.text import fold
from search.models import SearchEntry
from solutions.models import Topic

LIMIT = 5


def suggestions(text: str) -> dict:
    folded = fold(text)
    if len(folded) < 2:
        return {"query": text, "solutions": [], "topics": [], "municipalities": []}
    words = folded.split()
    titles = []
    for slug, title, url in SearchEntry.objects.values_list("slug", "title", "url").iterator():
        haystack = fold(title)
        if all(word in haystack for word in words):
            titles.append({"slug": slug, "title": title, "url": url, "starts": haystack.startswith(folded)})
        if len(titles) >= 50:
            break
    titles.sort(key=lambda t: (not t["starts"], t["title"]))
    topics = [
        {"slug": slug, "name": name, "url": f"/themen/{slug}/"}
        for slug, name in Topic.objects.values_list("slug", "name")
        if folded in fold(name) or folded in slug
    ][:LIMIT]
    municipalities = [
        {"ags": m.ags, "name": m.name, "state": m.state_name, "url": m.get_absolute_url()}
        for m in municipality_search(text)[:LIMIT]
    ]
    return {
        "query": text,
        "solutions": [{k: v for k, v in t.items() if k != "starts"} for t in titles[:LIMIT]],
        "topics": topics,
        "municipalities": municipalities,
    }


def spelling_suggestions(text: str, limit: int = 3) -> list[dict]:
    """For a search that found nothing: topics and case titles whose names start with or contain what was
    typed ({"label", "url"}); empty when none does (nothing is made up)."""
    found = suggestions(text)
    items = [{"label": t["name"], "url": t["url"]} for t in found["topics"]]
    items += [{"label": s["title"], "url": s["url"]} for s in found["solutions"]]
    return items[:limit]
