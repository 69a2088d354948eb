"""The diffusion picture's layout, without a database: rows, years, arrows and the text alternative, also for
broken data (cycles, a town naming itself, missing years, no lead town)."""

from __future__ import annotations

from solutions.diffusion import diffusion_layout
from solutions.transfer import TransferEntry, TransferRecord


def entry(ags: str, name: str, year: int | None, status: str, label: str, teacher: tuple[str, str] | None = None):
    return TransferEntry(
        ags=ags,
        name=name,
        state_code="15",
        size_class="kleinstadt",
        year=year,
        status=status,
        status_label=label,
        learned_from_ags=teacher[0] if teacher else None,
        learned_from_name=teacher[1] if teacher else None,
        notes="",
        stopped_reason="",
        is_sample=False,
    )


def record(*entries: TransferEntry) -> TransferRecord:
    return TransferRecord(len(entries), 0, 0, 0, 0, {}, 0, list(entries))


def test_rows_years_and_arrows():
    d = diffusion_layout(
        record(
            entry("2", "Wolmirstedt", 2024, "pilot", "Pilotphase", ("1", "Gröningen")),
            entry("1", "Gröningen", 2022, "in_operation", "im Betrieb", ("0", "Barleben")),
        ),
        "0",
        "Barleben",
        2021,
    )
    assert [n.name for n in d.nodes] == ["Barleben", "Gröningen", "Wolmirstedt"]  # lead first, then by year
    assert [t.label for t in d.ticks] == ["2021", "2022", "2023", "2024"]  # every year between, for a true scale
    xs = [n.x for n in d.nodes]
    assert xs[0] < xs[1] < xs[2] and d.nodes[0].y < d.nodes[1].y < d.nodes[2].y
    assert [(e.source.name, e.target.name) for e in d.edges] == [
        ("Barleben", "Gröningen"),
        ("Gröningen", "Wolmirstedt"),
    ]
    assert [(s.teacher, s.learner) for s in d.steps] == [
        ("Barleben (2021)", "Gröningen (2022, im Betrieb)"),
        ("Gröningen (2022)", "Wolmirstedt (2024, Pilotphase)"),
    ]
    assert [n.shape for n in d.nodes] == ["square", "filled", "half"]
    assert d.width > max(xs) and d.height > d.nodes[-1].y


def test_cycles_self_references_and_missing_years_draw_finitely():
    d = diffusion_layout(
        record(
            entry("1", "Gröningen", 2023, "pilot", "Pilotphase", ("2", "Calw")),
            entry("2", "Calw", None, "stopped", "abgebrochen", ("1", "Gröningen")),
            entry("3", "Hemmingen", 2024, "planned", "geplant", ("3", "Hemmingen")),
        ),
        None,  # an approach without a lead town
        "",
        None,
    )
    assert [n.name for n in d.nodes] == ["Gröningen", "Hemmingen", "Calw"]
    assert [t.label for t in d.ticks] == ["2023", "2024", "o. J."]
    assert len(d.edges) == 2  # the cycle's two arrows; none from a town to itself
    assert [s.teacher for s in d.steps] == ["Calw", "", "Gröningen (2023)"]
    assert [n.shape for n in d.nodes] == ["half", "hollow", "cross"]


def test_nobody_adopted_no_picture_and_long_names_are_cut():
    assert diffusion_layout(record(), "0", "Barleben", 2021) is None
    long_name = "Hansestadt Osterburg (Altmark) mit Ortsteilen"
    d = diffusion_layout(record(entry("1", long_name, 2022, "pilot", "Pilotphase")), "0", "Barleben", 2021)
    assert d.nodes[1].label.endswith("…") and len(d.nodes[1].label) <= 24
    assert d.steps[0].learner.startswith(long_name)  # the text alternative keeps the whole name


def test_a_stretch_of_empty_years_becomes_one_column():
    """A lead town „seit 1998“ and adopters in 2023/2024: not 27 columns that shrink the picture to a line."""
    d = diffusion_layout(
        record(
            entry("1", "Gröningen", 2023, "in_operation", "im Betrieb", ("0", "Barleben")),
            entry("2", "Wolmirstedt", 2024, "pilot", "Pilotphase", ("1", "Gröningen")),
            entry("3", "Möckern", 2026, "planned", "geplant", ("1", "Gröningen")),
        ),
        "0",
        "Barleben",
        1998,
    )
    # one empty year (2025) stays, for a true scale nearby; 1999–2022 become „…“
    assert [t.label for t in d.ticks] == ["1998", "…", "2023", "2024", "2025", "2026"]
    assert [t.is_gap for t in d.ticks] == [False, True, False, False, False, False]
    xs = [n.x for n in d.nodes]
    assert xs[0] < xs[1] < xs[2] < xs[3]
    assert d.width < 800  # six columns, not 29


def test_a_wide_picture_says_it_scrolls_on_a_phone():
    small = diffusion_layout(record(entry("1", "Calw", 2024, "pilot", "Pilotphase")), "0", "Barleben", 2024)
    assert not small.wider_than_a_phone
    wide = diffusion_layout(
        record(
            entry("1", "Gröningen", 2021, "in_operation", "im Betrieb", ("0", "Barleben")),
            entry("2", "Wolmirstedt", 2024, "pilot", "Pilotphase", ("1", "Gröningen")),
        ),
        "0",
        "Barleben",
        2020,
    )
    assert wide.wider_than_a_phone
