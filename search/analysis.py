"""The German analysis chain, once: ported to Python for the database backend, and mirrored filter for filter by the
Elasticsearch index settings from `elasticsearch_analysis()`, so both backends index and search the same terms.

Index:  standard tokenizer -> lowercase -> german_normalization -> dictionary_decompounder -> stop -> light_german
Query:  the same without the decompounder (plus editor synonyms in ES, see `de_search`).

Known gap: `tokenize` splits at every non-alphanumeric character, whereas ES's UAX#29 tokenizer keeps "z.B", "1.000",
"foo_bar" and "don't" together. Only abbreviations, numbers and underscores differ, which we accept.
"""

from __future__ import annotations

import re
from pathlib import Path

WORDLISTS = Path(__file__).resolve().parent / "wordlists"

# dictionary_decompounder parameters, identical in both backends.
MIN_WORD_SIZE = 5
MIN_SUBWORD_SIZE = 3
MAX_SUBWORD_SIZE = 15
ONLY_LONGEST_MATCH = False

_TOKEN = re.compile(r"[^\W_]+")  # runs of Unicode letters/digits; "_" counts as a separator


def tokenize(text: str) -> list[str]:
    return [token.lower() for token in _TOKEN.findall(text)]


# GermanNormalizationFilter's three states: N ordinary, V after a vowel (no umlaut follows), U umlaut-capable.
_N, _V, _U = 0, 1, 2
_UMLAUT = {"ä": "a", "ö": "o", "ü": "u"}


def normalize(token: str) -> str:
    """Port of Lucene's GermanNormalizationFilter: ä/ae -> a, ö/oe -> o, ü/ue -> u (not after a vowel or q), ß -> ss."""
    out: list[str] = []
    state = _N
    for char in token:
        if char in ("a", "o"):
            state = _U
        elif char == "u":
            state = _U if state == _N else _V
        elif char == "e":
            dropped = state == _U  # the e of ae/oe/ue
            state = _V
            if dropped:
                continue
        elif char in ("i", "q", "y"):
            state = _V
        elif char in _UMLAUT:
            char, state = _UMLAUT[char], _V
        elif char == "ß":
            char, state = "ss", _N
        else:
            state = _N
        out.append(char)
    return "".join(out)


def _load_wordlist(name: str) -> frozenset[str]:
    """One word a line, `#` starts a comment. Normalized here, so the set equals the list sent to ES."""
    lines = (WORDLISTS / name).read_text(encoding="utf-8").splitlines()
    words = (line.split("#", 1)[0].strip() for line in lines)
    return frozenset(normalize(word) for word in words if word)


STOPWORDS: frozenset[str] = _load_wordlist("stopwords_de.txt")
COMPOUND_PARTS: frozenset[str] = _load_wordlist("compound_parts_de.txt")


def decompound(token: str) -> list[str]:
    """Port of Lucene 9's DictionaryCompoundWordTokenFilter.decompose(); returns the sub-words only.

    Lucene emits every dictionary hit, including one that spans the whole token, so we do as well:
        for (int i = 0; i <= len - minSubwordSize; ++i)
          for (int j = minSubwordSize; j <= maxSubwordSize; ++j) { if (i + j > len) break; if (dict.contains(..)) ..}
    """
    size = len(token)
    if size < MIN_WORD_SIZE:
        return []
    parts: list[str] = []
    for start in range(size - MIN_SUBWORD_SIZE + 1):
        hits = [
            token[start : start + length]
            for length in range(MIN_SUBWORD_SIZE, min(MAX_SUBWORD_SIZE, size - start) + 1)
            if token[start : start + length] in COMPOUND_PARTS
        ]
        if ONLY_LONGEST_MATCH:
            hits = hits[-1:]  # hits grow with length: the last one is the longest
        parts.extend(hits)
    return parts


_STEM_FOLD = str.maketrans("äàáâöòóôïìíîüùúû", "aaaaooooiiiiuuuu")
_ST_ENDING = frozenset("bdfghklmnt")  # Lucene's stEnding; unlike Snowball's, it has no "r"


def stem(token: str) -> str:
    """Port of Lucene's GermanLightStemmer (ES `light_german`, Savoy's UniNE algorithm).

    step1: len>5 && s ends "ern" -> len-3;  len>4 && s[len-2]=='e' && s[len-1] in m,n,r,s -> len-2;
           len>3 && s[len-1]=='e' -> len-1;  len>3 && s[len-1]=='s' && stEnding(s[len-2]) -> len-1
    step2: len>5 && s ends "est" -> len-3;  len>4 && s[len-2]=='e' && s[len-1] in r,n -> len-2;
           len>4 && s ends "st" && stEnding(s[len-3]) -> len-2
    Each step applies its first matching rule only.
    """
    return _stem_step2(_stem_step1(token.translate(_STEM_FOLD)))


def _stem_step1(s: str) -> str:
    n = len(s)
    if n > 5 and s.endswith("ern"):
        return s[:-3]
    if n > 4 and s[-2] == "e" and s[-1] in ("m", "n", "r", "s"):
        return s[:-2]
    if n > 3 and s[-1] == "e":
        return s[:-1]
    if n > 3 and s[-1] == "s" and s[-2] in _ST_ENDING:
        return s[:-1]
    return s


def _stem_step2(s: str) -> str:
    n = len(s)
    if n > 5 and s.endswith("est"):
        return s[:-3]
    if n > 4 and s[-2] == "e" and s[-1] in ("r", "n"):
        return s[:-2]
    if n > 4 and s.endswith("st") and s[-3] in _ST_ENDING:
        return s[:-2]
    return s


def analyze(text: str) -> list[str]:
    """Index terms: like `de_index`. Every token is followed by its dictionary sub-words, as in Lucene."""
    terms: list[str] = []
    for token in map(normalize, tokenize(text)):
        terms.append(token)
        terms.extend(decompound(token))
    return [stem(term) for term in terms if term not in STOPWORDS]


def analyze_query(text: str) -> list[str]:
    """Query terms: like `de_query`. No decompounding: the whole query word matches the indexed compound."""
    return [term for _word, term in query_words(text)]


def query_words(text: str) -> list[tuple[str, str]]:
    """(word as typed, lower-cased; its query term) for every word that is not a stop word."""
    return [(token, stem(normalized)) for token in tokenize(text) if (normalized := normalize(token)) not in STOPWORDS]


def normalize_synonym_term(term: str) -> str:
    """A synonym rule's term as it ends up after `de_search`, e.g. "Straßen-Zustand" -> "strass zustand"."""
    return " ".join(analyze_query(term))


def elasticsearch_analysis(synonyms_set: str = "baukasten-synonyms") -> dict:
    """The `analysis` block of the ES 8 index settings. Word lists are already normalized; ES runs
    de_normalization before the decompounder and the stop filter, so lookups match exactly as in Python."""
    chain = ["lowercase", "de_normalization", "de_decompounder", "de_stop", "de_stemmer"]
    return {
        "filter": {
            "de_normalization": {"type": "german_normalization"},
            "de_decompounder": {
                "type": "dictionary_decompounder",
                "word_list": sorted(COMPOUND_PARTS),
                "min_word_size": MIN_WORD_SIZE,
                "min_subword_size": MIN_SUBWORD_SIZE,
                "max_subword_size": MAX_SUBWORD_SIZE,
                "only_longest_match": ONLY_LONGEST_MATCH,
            },
            "de_stop": {"type": "stop", "stopwords": sorted(STOPWORDS)},
            "de_stemmer": {"type": "stemmer", "language": "light_german"},
            # Editor synonyms, reloadable without reindexing; hence search-time only.
            "de_synonyms": {"type": "synonym_graph", "synonyms_set": synonyms_set, "updateable": True},
        },
        "analyzer": {
            "de_index": {"type": "custom", "tokenizer": "standard", "filter": chain},
            "de_query": {"type": "custom", "tokenizer": "standard", "filter": _without(chain, "de_decompounder")},
            "de_search": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "de_normalization", "de_synonyms", "de_stop", "de_stemmer"],
            },
        },
    }


def _without(chain: list[str], name: str) -> list[str]:
    return [step for step in chain if step != name]
