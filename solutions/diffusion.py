"""The diffusion picture of a case: who learned the solution from whom, by year.

Pure layout — a ``TransferRecord`` and the lead town in, coordinates out; the template
``solutions/includes/diffusion.html`` draws them as inline SVG (so every town name passes Django's
escaping) next to a text alternative built from the same rows. One row per town (lead first, then the
adopters by year), x = year. Arrows follow ``learned_from`` as ``transfer_record`` resolved it (only towns on
the case), so broken or cyclic data can only ever draw an arrow between two existing rows: the layout never
walks a chain.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from solutions.choices import AdoptionStatus
from solutions.transfer import TransferRecord

# Geometry in SVG user units; the picture scales with its box (see .diffusion in site.css).
LABEL_WIDTH = 200  # at most, for the town names left of the time line
CHAR_WIDTH = 8.5  # about, for a name at 15 px
YEAR_WIDTH = 84
ROW_HEIGHT = 36
TOP = 34  # room for the year axis
PAD_RIGHT = 26
NODE_RADIUS = 8
MAX_LABEL = 24  # characters; longer names are cut with „…“ (the text alternative has them whole)
UNKNOWN_YEAR = "o. J."
GAP = "…"  # the tick of a stretch of empty years, drawn as one column
PHONE_CONTENT_WIDTH = 341  # 375 px less the page's margins (2 × 16) and the box's border
MIN_GAP = 2  # empty years in a row from which on they become one „…“ column

# Shape per status: the picture must not tell status by colour alone.
SHAPES = {
    "lead": "square",
    AdoptionStatus.IN_OPERATION: "filled",
    AdoptionStatus.COMPLETED: "filled",
    AdoptionStatus.PILOT: "half",
    AdoptionStatus.PLANNED: "hollow",
    AdoptionStatus.STOPPED: "cross",
}
LEGEND = [
    ("square", "federführende Kommune"),
    ("filled", "im Betrieb oder abgeschlossen"),
    ("half", "Pilotphase"),
    ("hollow", "geplant"),
    ("cross", "abgebrochen"),
]


@dataclass(frozen=True)
class LegendItem:
    shape: str
    label: str

    @property
    def svg(self) -> SafeString:
        return shape_svg(self.shape, 10, 10)


def shape_svg(shape: str, x: float, y: float) -> SafeString:
    """The marker of one status as SVG elements. Only numbers and fixed class names go in (never a name), so
    the markup is safe as it stands; the classes give the colours (site.css), the form tells the status."""
    r = NODE_RADIUS
    circle = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" class="diffusion__node diffusion__node--'
    if shape == "square":
        body = f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" '
        body += 'class="diffusion__node diffusion__node--lead"/>'
    elif shape == "filled":
        body = circle + 'filled"/>'
    elif shape == "half":  # outline, left half hatched
        body = circle + 'open"/>'
        body += f'<path d="M{x:.1f},{y - r:.1f} A{r},{r} 0 0 0 {x:.1f},{y + r:.1f} Z" class="diffusion__node--half"/>'
    elif shape == "cross":
        d = r * 0.6
        body = circle + 'open diffusion__node--stopped"/>'
        body += f'<path d="M{x - d:.1f},{y - d:.1f} L{x + d:.1f},{y + d:.1f} '
        body += f'M{x + d:.1f},{y - d:.1f} L{x - d:.1f},{y + d:.1f}" class="diffusion__cross"/>'
    else:  # hollow, dashed: planned
        body = circle + 'open diffusion__node--planned"/>'
    return mark_safe(body)  # noqa: S308 - numbers and constants only, see above


@dataclass(frozen=True)
class Node:
    ags: str
    name: str
    label: str  # the name as drawn (possibly shortened)
    year: int | None
    status_label: str
    shape: str
    x: float
    y: float
    lead: bool = False

    @property
    def svg(self) -> SafeString:
        return shape_svg(self.shape, self.x, self.y)

    @property
    def x_text(self) -> str:
        return f"{self.x:.1f}"

    @property
    def y_text(self) -> str:
        return f"{self.y:.1f}"


@dataclass(frozen=True)
class Edge:
    source: Node
    target: Node
    path: str  # SVG path data, a curve from the teacher to the learner


@dataclass(frozen=True)
class Tick:
    label: str
    x: float

    @property
    def x_text(self) -> str:
        return f"{self.x:.1f}"

    @property
    def is_gap(self) -> bool:
        """A column standing for several empty years: no grid line, which would claim one year."""
        return self.label == GAP


@dataclass(frozen=True)
class Step:
    """One line of the text alternative: „Barleben (2021) → Wolmirstedt (2023, Pilotphase)“."""

    teacher: str  # "" when the town names nobody on the case
    learner: str


@dataclass(frozen=True)
class Diffusion:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]
    ticks: list[Tick]
    steps: list[Step]
    legend: list[LegendItem]

    @property
    def wider_than_a_phone(self) -> bool:
        """Wider than the content column of a 375 px screen: there the box scrolls sideways, and the page says
        so in words (site.css shows the hint on narrow screens only)."""
        return self.width > PHONE_CONTENT_WIDTH


def year_columns(years: list[int]) -> list[int | str | None]:
    """The time line's columns for the sorted years that occur: every year from the first to the last, so the
    scale stays true — except that a run of two or more years in which nothing happened becomes one column
    „…“. One odd year (a lead town „seit 1998“, a typo like 2204) would otherwise stretch the picture to
    dozens of empty columns, and a wide screen would shrink it to a line."""
    columns: list[int | str | None] = []
    for year in years:
        if columns:
            gap = year - int(columns[-1])  # the last column is always a year here
            if gap - 1 >= MIN_GAP:
                columns.append(f"{GAP}{len(columns)}")  # unique, so that x_of finds each gap once
            else:
                columns.extend(range(int(columns[-1]) + 1, year))
        columns.append(year)
    return columns


def _tick_label(column: int | str | None) -> str:
    if column is None:
        return UNKNOWN_YEAR
    if isinstance(column, str):
        return GAP
    return str(column)


def _short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1].rstrip() + "…"


def _describe(name: str, year: int | None, status: str = "") -> str:
    inside = ", ".join(str(part) for part in (year, status) if part)
    return f"{name} ({inside})" if inside else name


def diffusion_layout(
    record: TransferRecord, lead_ags: str | None, lead_name: str, lead_year: int | None
) -> Diffusion | None:
    """The picture of a case's adopters, or None when nobody has taken it over."""
    if not record.adopters:
        return None
    adopters = sorted(record.adopters, key=lambda e: (e.year is None, e.year or 0, e.name))
    years = sorted({y for y in [lead_year, *(e.year for e in adopters)] if y is not None})
    columns = year_columns(years)
    if lead_year is None or any(e.year is None for e in adopters):
        columns.append(None)  # one column „o. J.“ at the end for towns without a year

    names = [lead_name if lead_ags else "", *(e.name for e in adopters)]
    label_width = min(LABEL_WIDTH, round(12 + CHAR_WIDTH * max(len(_short(n)) for n in names)))

    def x_of(column: int | str | None) -> float:
        return label_width + YEAR_WIDTH * (columns.index(column) + 0.5)

    nodes: list[Node] = []
    if lead_ags:
        nodes.append(
            Node(lead_ags, lead_name, _short(lead_name), lead_year, "federführend", "square", x_of(lead_year), 0, True)
        )
    for entry in adopters:
        nodes.append(
            Node(
                entry.ags,
                entry.name,
                _short(entry.name),
                entry.year,
                entry.status_label,
                SHAPES.get(entry.status, "hollow"),
                x_of(entry.year),
                0,
            )
        )
    nodes = [
        Node(n.ags, n.name, n.label, n.year, n.status_label, n.shape, n.x, TOP + ROW_HEIGHT * (i + 0.5), n.lead)
        for i, n in enumerate(nodes)
    ]
    by_ags = {n.ags: n for n in nodes}
    edges = []
    for entry in adopters:
        teacher = by_ags.get(entry.learned_from_ags or "")
        learner = by_ags[entry.ags]
        if teacher is None or teacher is learner:
            continue
        edges.append(Edge(teacher, learner, _curve(teacher, learner)))
    steps = []
    for entry in adopters:
        learner = _describe(entry.name, entry.year, entry.status_label)
        teacher = by_ags.get(entry.learned_from_ags or "")
        named = teacher is not None and teacher.ags != entry.ags
        steps.append(Step(_describe(teacher.name, teacher.year) if named else "", learner))
    width = label_width + YEAR_WIDTH * len(columns) + PAD_RIGHT
    height = TOP + ROW_HEIGHT * len(nodes) + 6
    ticks = [Tick(_tick_label(column), x_of(column)) for column in columns]
    return Diffusion(width, height, nodes, edges, ticks, steps, [LegendItem(*item) for item in LEGEND])


def _curve(source: Node, target: Node) -> str:
    """An elbow from the teacher to the learner: out of the teacher's node towards the learner's row, then
    sideways into the learner's node, so the arrow head points at it along its row. Two towns of the same year
    get a bow on the right instead."""
    r = NODE_RADIUS
    if abs(target.x - source.x) < 1:
        sx, sy, ex, ey = source.x + r, source.y, target.x + r + 2, target.y
        bow = 18 + abs(ey - sy) * 0.25
        return f"M{sx:.1f},{sy:.1f} C{sx + bow:.1f},{sy:.1f} {ex + bow:.1f},{ey:.1f} {ex:.1f},{ey:.1f}"
    direction = 1 if target.y >= source.y else -1
    side = -1 if target.x > source.x else 1  # come in from the left when time runs forward
    sx, sy = source.x, source.y + direction * r
    ex, ey = target.x + side * (r + 2), target.y
    return f"M{sx:.1f},{sy:.1f} C{sx:.1f},{ey:.1f} {(sx + ex) / 2:.1f},{ey:.1f} {ex:.1f},{ey:.1f}"
