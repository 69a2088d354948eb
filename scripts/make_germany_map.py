"""Builds static/img/deutschland.svg, a dot-grid outline of Germany, from a register CSV.

    python scripts/make_germany_map.py ../shared/data/gemeinden_de_2024.csv

Every grid cell that holds at least one municipality centre becomes a dot, so the drawing shows
the country's shape without map tiles or third-party geodata. Run again only if the projection in
``municipalities/map.py`` changes.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from municipalities.map import HEIGHT, WIDTH, project

CELL = 7


def main(register_csv: str) -> None:
    cells: set[tuple[int, int]] = set()
    with open(register_csv, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("lat") and row.get("lon"):
                x, y = project(float(row["lat"]), float(row["lon"]))
                cells.add((int(x // CELL), int(y // CELL)))
    radius = CELL * 0.36
    dots = "".join(
        f"M{cx * CELL + CELL / 2 - radius:.1f} {cy * CELL + CELL / 2:.1f}a{radius:.1f} {radius:.1f} 0 1 0 "
        f"{2 * radius:.1f} 0a{radius:.1f} {radius:.1f} 0 1 0 {-2 * radius:.1f} 0"
        for cx, cy in sorted(cells)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}"><path fill="#c9d3dc" d="{dots}"/></svg>\n'
    )
    target = Path(__file__).resolve().parent.parent / "static" / "img" / "deutschland.svg"
    target.write_text(svg, encoding="utf-8")
    print(f"{len(cells)} Punkte → {target} ({len(svg) // 1024} KB)")


if __name__ == "__main__":
    main(sys.argv[1])
