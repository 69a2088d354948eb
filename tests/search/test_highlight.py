from __future__ import annotations

from search.highlight import snippet


def test_snippet_shows_the_densest_passage_with_the_words_marked():
    filler = " ".join(f"wort{i}" for i in range(40))
    text = f"Straße am Anfang. {filler} Die Straße und der Straßenzustand werden erfasst. {filler}"

    html = snippet(text, frozenset({"strass", "zustand"}), window=8)

    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>Straße</mark> und der <mark>Straßenzustand</mark>" in html
    assert "Anfang" not in html


def test_snippet_escapes_html_and_keeps_short_texts_whole():
    expected = "<mark>Kosten</mark> &lt;senken&gt; &amp; Nutzen"
    assert snippet("Kosten <senken> & Nutzen", frozenset({"kost"})) == expected
    assert snippet("", frozenset({"kost"})) == ""
