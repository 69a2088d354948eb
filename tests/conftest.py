from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} fehlt: der Test braucht die amtlichen Daten aus ../shared/data")
    return SHARED_DATA


@pytest.fixture
def site(db):
    from pages.services import site_setup

    return site_setup()
