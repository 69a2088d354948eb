from __future__ import annotations

import datetime as dt
from pathlib import Path

from municipalities.importers.base import RegisterFileError, RegisterSource
from municipalities.importers.csv_register import read_register_csv
from municipalities.importers.gvisys import read_gvisys_workbook


def open_register_file(path: Path, *, population_date: dt.date | None = None) -> RegisterSource:
    """Chooses the reader by file type: the GV-ISys workbook (.xlsx) or a register CSV."""
    if not path.is_file():
        raise RegisterFileError(f"Die Datei „{path}“ gibt es nicht.")
    suffix = path.suffix.lower()
    if suffix == ".gz":  # compressed CSV (gemeinden_de_2024.csv.gz); the reader unpacks it
        suffix = Path(path.stem).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return read_gvisys_workbook(path)
    if suffix in {".csv", ".txt"}:
        return read_register_csv(path, population_date)
    raise RegisterFileError(
        f"„{path.name}“ hat den Dateityp „{suffix or 'ohne Endung'}“; gelesen werden das "
        "GV-ISys-Gemeindeverzeichnis (.xlsx) und CSV-Dateien (.csv, auch gzip-komprimiert als .csv.gz)."
    )
