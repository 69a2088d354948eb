"""The German word list that keeps real words away from typo correction."""

import pytest

from search.known_words import is_known_word


@pytest.mark.parametrize("word", ["Schlange", "stehen", "Vorsorge", "Warteschlange", "Zuschüsse", "erfassen"])
def test_real_words_are_known(word):
    assert is_known_word(word)


@pytest.mark.parametrize("word", ["erfasen", "onlien", "Heitzkosten", "Bürgerbeteilgung", "Starkregn", "gewinen"])
def test_misspellings_are_not(word):
    assert not is_known_word(word)
