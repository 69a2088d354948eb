"""Hypothesis strategies for German text as editors, members and mayors type it: umlauts and ß (also the
capital ẞ and an umlaut typed with a combining diaeresis, as macOS sends it), German quotes „“ ‚‘ and
straight ones, dashes – —, ampersands, slashes, a few emoji (one of them a ZWJ sequence) and long
compounds. The explicit cases in ``HARD_NAMES`` are the ones each property test also runs by name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, Phase, example, settings
from hypothesis import strategies as st

UMLAUTS = "äöüÄÖÜß"
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + UMLAUTS
DIGITS = "0123456789"
PUNCTUATION = "„“‚‘\"'–—&/-.,:;!?()%"
# "<" and ">" are typed too ("Kosten < 5.000 €"); they test the escaping of every page that shows text.
MARKUP = "<>"
EMOJI = ["🌳", "🚲", "💡", "🏫", "♿", "👩‍🚒", "🇩🇪"]
# Pieces of real words; joined they make compounds as long as the ones town halls write.
WORD_PARTS = [
    "Straßen",
    "entwässerungs",
    "instandhaltungs",
    "planung",
    "Grün",
    "flächen",
    "Bürger",
    "beteiligung",
    "Schlag",
    "löcher",
    "Fußgänger",
    "übergang",
    "Kita",
    "Plätze",
    "Ärzte",
    "häuser",
    "Öffentlichkeits",
    "arbeit",
    "Gemeinde",
    "größe",
    "Wärme",
    "pumpe",
    "Müll",
    "abfuhr",
]
LONG_COMPOUND = "Straßenentwässerungsinstandhaltungsplanung"

# Named hard cases: every property test runs these first (``@example``), whatever Hypothesis draws.
HARD_NAMES = [
    "Grünflächen & Friedhöfe",
    LONG_COMPOUND,
    "„Blühwiesen“ statt Rasen – Ökologie für Groß und Klein",
    "‚Schöne‘ Straßen — 'ohne' \"Schlaglöcher\"",
    "Kita-Plätze / Ü3 & U3 🚲",
    "GROẞE Übergänge",
    "u\u0308ber Mu\u0308hlen",  # "über Mühlen" with combining diaeresis
    "Kosten <5.000 € & „mehr“",
    "👩‍🚒🌳",  # nothing left for a slug
]


def _atoms() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(LETTERS),
        st.sampled_from(LETTERS),  # letters twice as likely as each of the others
        st.sampled_from(UMLAUTS),
        st.sampled_from(DIGITS),
        st.just(" "),
        st.sampled_from(PUNCTUATION),
        st.sampled_from(MARKUP),
        st.sampled_from(EMOJI),
        st.sampled_from(WORD_PARTS),
    )


def german_text(min_size: int = 1, max_size: int = 60) -> st.SearchStrategy[str]:
    """One line of German text with something visible in it (forms strip outer white space, so the
    value here is already stripped and is what the site must store and show)."""
    return (
        st.lists(_atoms(), min_size=min_size, max_size=max_size)
        .map(lambda parts: "".join(parts).strip())
        .filter(lambda text: len(text) >= min_size)
        .map(lambda text: text[:max_size].strip())
        .filter(bool)
    )


def german_words(max_words: int = 6) -> st.SearchStrategy[str]:
    """Words (with at least one letter each) separated by single spaces: names and titles a search should
    find again."""
    word = st.lists(st.one_of(st.sampled_from(LETTERS), st.sampled_from(WORD_PARTS)), min_size=2, max_size=6).map(
        "".join
    )
    return st.lists(word, min_size=1, max_size=max_words).map(" ".join)


def german_paragraphs(max_paragraphs: int = 3) -> st.SearchStrategy[str]:
    """Text for a textarea: paragraphs separated by a blank line, the way the export writes them."""
    return st.lists(german_text(max_size=80), min_size=1, max_size=max_paragraphs).map("\n\n".join)


def german_umlaut_word() -> st.SearchStrategy[str]:
    """A word of letters only, with at least one umlaut or ß in it."""
    return st.tuples(
        st.text(alphabet=LETTERS, max_size=8),
        st.sampled_from(UMLAUTS),
        st.text(alphabet=LETTERS, max_size=8),
    ).map("".join)


TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def expected_slug_word(word: str) -> str:
    """What a word of letters becomes in a slug: lower case, ä→ae, ö→oe, ü→ue, ß→ss."""
    return word.lower().translate(TRANSLITERATION)


# --- running examples against the database -------------------------------------------------------------

# Few examples per database test (each posts forms and renders pages), the same ones in every run:
# CI fails on a real change, never on luck. ``database=None``: no example store in the work tree.
DB_EXAMPLES = settings(
    max_examples=15,
    # No shrinking: on these tests it takes minutes; the failing example is printed as it was drawn.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Pure functions: many examples are cheap.
PURE_EXAMPLES = settings(max_examples=300, deadline=None, derandomize=True, database=None)


@contextmanager
def each_example_undone() -> Iterator[None]:
    """Runs one Hypothesis example inside a savepoint that is rolled back afterwards, with an empty cache
    (rate limits, the home page overview) and search corpus, so the examples of one test do not see each
    other's rows."""
    from search.corpus import reset_corpus  # the search keeps the published cases in memory

    cache.clear()
    reset_corpus()
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        cache.clear()
        reset_corpus()


def hard_names(argument: str, **others):
    """Decorator: runs the test with each of ``HARD_NAMES`` as ``argument`` (``others`` fixed)."""

    def decorate(test):
        for name in HARD_NAMES:
            test = example(**{argument: name}, **others)(test)
        return test

    return decorate
