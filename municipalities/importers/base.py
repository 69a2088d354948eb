from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field


class RegisterFileError(Exception):
    """The file as a whole cannot be read; the message is one sentence for the operator."""


@dataclass(frozen=True)
class SourceRow:
    """One municipality row as found in a file, values still as text; ``line`` is what the user
    sees (spreadsheet row or CSV line)."""

    line: int
    values: dict[str, object]


@dataclass
class RegisterSource:
    """What a reader found: the municipality rows, the rows it skipped on purpose, the reference
    date of the population figures when the file states it."""

    rows: Iterator[SourceRow] | list[SourceRow]
    population_date: dt.date | None = None
    skipped_unincorporated: int = 0
    total_hint: int | None = None
    notes: list[str] = field(default_factory=list)
