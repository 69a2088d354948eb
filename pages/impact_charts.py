"""Geometry of the impact page's bar charts, drawn by the template as inline SVG (no script, no library).

Each bar gets its own row: the label above, the bar below with its value printed at its end. The bars'
widths are percentages of the chart and the rows' heights are pixels, so the SVG stretches to any width
while its text keeps its size: a long German label („Interkommunale Zusammenarbeit“) stays readable on a
375 px phone, where a scaled viewBox would shrink it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pages.impact import Bar

ROW_HEIGHT = 46  # px: label line, bar, gap
LABEL_Y = 16  # baseline of the label within the row
BAR_Y, BAR_HEIGHT = 22, 16
VALUE_Y = 35  # baseline of the value, beside the bar
# The longest bar leaves room for its value to the right (five digits at 375 px).
MAX_BAR_PERCENT = 80.0
TOP_PADDING = 4


def number(value: int) -> str:
    """A whole number as German texts write it: 12.345."""
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: int
    value_text: str
    y: int  # top of the row
    width_percent: float

    @property
    def label_y(self) -> int:
        return self.y + LABEL_Y

    @property
    def bar_y(self) -> int:
        return self.y + BAR_Y

    @property
    def value_y(self) -> int:
        return self.y + VALUE_Y

    @property
    def width(self) -> str:
        # A zero keeps a hairline, so the row visibly has a bar of nothing rather than a missing one.
        return f"{self.width_percent:.2f}%" if self.value else "2px"

    @property
    def value_x(self) -> str:
        return f"{self.width_percent:.2f}%"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    rows: list[ChartRow]
    height: int
    bar_height: int = BAR_HEIGHT
    column_label: str = ""


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], *, column_label: str, unit: str = "Übernahmen") -> Chart:
    """A horizontal bar chart of ``bars`` in the given order; the description lists every value, so that a
    screen reader hears the whole chart (the data table beside it says the same)."""
    top = max((bar.count for bar in bars), default=0)
    rows = [
        ChartRow(
            label=bar.label,
            value=bar.count,
            value_text=number(bar.count),
            y=TOP_PADDING + i * ROW_HEIGHT,
            width_percent=(bar.count / top * MAX_BAR_PERCENT) if top else 0.0,
        )
        for i, bar in enumerate(bars)
    ]
    listed = "; ".join(f"{bar.label}: {number(bar.count)}" for bar in bars)
    description = f"Balkendiagramm, {unit} je {column_label}. {listed}." if bars else "Noch keine Werte."
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        rows=rows,
        height=TOP_PADDING + len(rows) * ROW_HEIGHT,
        column_label=column_label,
    )


@dataclass(frozen=True)
class ImpactCharts:
    status: Chart
    years: Chart
    topics: Chart
    size_classes: Chart
    states: Chart
    states_without: list[str]  # Länder no adoption has reached yet


def impact_charts(figures) -> ImpactCharts:
    """The page's charts. Länder and topics are sorted by count (the Länder without an adoption are named in a
    sentence instead of sixteen empty rows); years run in order, size classes from small to large."""
    states = sorted((bar for bar in figures.by_state if bar.count), key=lambda bar: (-bar.count, bar.label))
    return ImpactCharts(
        status=bar_chart("wirkung-stand", "Übernahmen nach Stand", figures.by_status, column_label="Stand"),
        years=bar_chart("wirkung-jahre", "Übernahmen je Jahr", figures.per_year, column_label="Jahr"),
        topics=bar_chart("wirkung-themen", "Übernahmen nach Thema", figures.by_topic, column_label="Thema"),
        size_classes=bar_chart(
            "wirkung-groesse",
            "Übernahmen nach Größenklasse der übernehmenden Kommune",
            figures.by_size_class,
            column_label="Größenklasse",
        ),
        states=bar_chart("wirkung-laender", "Übernahmen nach Land", states, column_label="Land"),
        states_without=[bar.label for bar in sorted(figures.by_state, key=lambda bar: bar.label) if not bar.count],
    )
