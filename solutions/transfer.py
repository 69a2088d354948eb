"""A case's transfer record: how far its solution has travelled — the one reading of its adopters that the
case page, the API, the search index and the impact figures share.

``chain_depth`` is pure (ids in, a number out); ``transfer_record`` reads a page whose adopters (with their
towns and ``learned_from``) are loaded, e.g. through ``selectors.DETAIL_PREFETCH``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from municipalities.states import State
from solutions.choices import OPERATING_STATUSES, RUNNING_STATUSES, AdoptionStatus


def chain_depth(lead: int | None, learned_from: Mapping[int, int | None]) -> int:
    """The longest chain of „learned from“ that starts at the lead town (lead → A → B is 2).

    ``learned_from`` maps each adopting town to the town it names. A town that names nobody, the lead, itself
    or a town not on the case is one step from the lead. Broken data must not loop or inflate the figure: on
    a cycle (A from B, B from A) the chain ends where it would meet a town a second time, so every town counts
    at most once per chain."""
    best = 0
    known: dict[int, int] = {}
    for start in learned_from:
        if start == lead:
            continue
        path: list[int] = []
        seen: set[int] = set()
        town: int | None = start
        base = 0
        while True:
            if town in known:
                base = known[town]
                break
            if town is None or town == lead or town not in learned_from or town in seen:
                break
            path.append(town)
            seen.add(town)
            town = learned_from[town]
        # The towns on the path, nearest to the lead last: each is one step further than the one it names.
        depth = base
        for step in reversed(path):
            depth += 1
            # Only a path that ended outside a cycle gives every town its true depth; remember those.
            if town is None or town == lead or town not in learned_from or town in known:
                known[step] = depth
        best = max(best, depth)
    return best


@dataclass(frozen=True)
class TransferEntry:
    ags: str
    name: str
    state_code: str
    size_class: str
    year: int | None
    status: str
    status_label: str
    learned_from_ags: str | None
    learned_from_name: str | None
    notes: str
    stopped_reason: str  # only when editors made it public
    is_sample: bool

    @property
    def runs(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def state(self) -> str:
        """The Land's name."""
        return str(State(self.state_code).label)


@dataclass(frozen=True)
class TransferRecord:
    count: int
    in_operation: int
    pilot: int
    planned: int
    stopped: int
    by_size_class: dict[str, int]
    depth: int
    adopters: list[TransferEntry] = field(default_factory=list)

    @property
    def running(self) -> list[TransferEntry]:
        """„Wo es läuft“: the towns from the pilot on."""
        return [a for a in self.adopters if a.runs]

    @property
    def proven(self) -> bool:
        """„bewährt“: at least one adopting town has reached operation."""
        return self.in_operation > 0


@dataclass(frozen=True)
class Town:
    """What the transfer record needs of a town: plain values, so that many cases can be read in bulk."""

    id: int
    ags: str
    name: str
    state: str  # two-digit code
    size_class: str


@dataclass(frozen=True)
class AdopterRow:
    town: Town
    year: int | None
    status: str
    learned_from_id: int | None
    notes: str = ""
    stopped_reason: str = ""  # only a reason the editors published
    is_sample: bool = False


def transfer_record_from_rows(
    lead: Town | None, rows: Sequence[AdopterRow], status_labels: Mapping[str, str] | None = None
) -> TransferRecord:
    """The transfer record from plain rows — the rule itself. Adopters are the towns besides the lead town (a
    row naming the lead town itself is ignored), in the given order. ``status_labels`` saves a caller that
    reads thousands of cases the translation lookups."""
    lead_id = lead.id if lead is not None else None
    rows = [r for r in rows if r.town.id != lead_id]
    on_case = {r.town.id: r.town for r in rows}
    if lead is not None:
        on_case[lead.id] = lead
    labels = status_labels or {s.value: str(s.label) for s in AdoptionStatus}
    entries = []
    for r in rows:
        teacher = on_case.get(r.learned_from_id) if r.learned_from_id else None
        entries.append(
            TransferEntry(
                ags=r.town.ags,
                name=r.town.name,
                state_code=r.town.state,
                size_class=r.town.size_class,
                year=r.year,
                status=r.status,
                status_label=labels[r.status],
                learned_from_ags=teacher.ags if teacher else None,
                learned_from_name=teacher.name if teacher else None,
                notes=r.notes,
                stopped_reason=r.stopped_reason,
                is_sample=r.is_sample,
            )
        )
    by_size_class: dict[str, int] = {}
    for e in entries:
        by_size_class[e.size_class] = by_size_class.get(e.size_class, 0) + 1
    statuses = [e.status for e in entries]
    return TransferRecord(
        count=len(entries),
        in_operation=sum(s in OPERATING_STATUSES for s in statuses),
        pilot=statuses.count(AdoptionStatus.PILOT),
        planned=statuses.count(AdoptionStatus.PLANNED),
        stopped=statuses.count(AdoptionStatus.STOPPED),
        by_size_class=by_size_class,
        depth=chain_depth(lead_id, {r.town.id: r.learned_from_id for r in rows}),
        adopters=entries,
    )


def town_of(municipality) -> Town:
    return Town(municipality.pk, municipality.ags, municipality.name, municipality.state, municipality.size_class)


def transfer_record(page) -> TransferRecord:
    """The transfer record of a case whose adopters (with their towns) are loaded."""
    lead = town_of(page.lead_municipality) if page.lead_municipality is not None else None
    rows = [
        AdopterRow(
            town=town_of(a.municipality),
            year=a.since_year,
            status=a.status,
            learned_from_id=a.learned_from_id,
            notes=a.notes,
            stopped_reason=a.public_stopped_reason,
            is_sample=a.is_sample,
        )
        for a in page.adopters.all()
    ]
    return transfer_record_from_rows(lead, rows)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def transfer_sentence(record: TransferRecord, size_class: str | None = None, reader_ags: str | None = None) -> str:
    """„in 4 Kommunen übernommen – 1 im Betrieb, 1 im Pilotbetrieb, 1 geplant, 1 abgebrochen; 2 davon in Ihrer
    Größenklasse“. Empty when nobody has taken it over; the size-class clause only for a known reader town.

    „im Pilotbetrieb“ reads the same for one and many and runs parallel to „im Betrieb“ („2 Piloten“ sounded
    like two people). The clause counts the *other* towns of the reader's size class: a reader whose own town
    adopted it learns nothing from being counted (``reader_ags`` leaves that town out)."""
    if not record.count:
        return ""
    parts = [
        f"{record.in_operation} im Betrieb" if record.in_operation else "",
        f"{record.pilot} im Pilotbetrieb" if record.pilot else "",
        f"{record.planned} geplant" if record.planned else "",
        f"{record.stopped} abgebrochen" if record.stopped else "",
    ]
    text = f"in {_count(record.count, 'Kommune', 'Kommunen')} übernommen – " + ", ".join(p for p in parts if p)
    if size_class:
        peers = sum(1 for a in record.adopters if a.size_class == size_class and a.ags != reader_ags)
        text += f"; {peers} davon in Ihrer Größenklasse"
    return text
