"""README command 1 (scripts/demo) and its pieces: the shipped national register and the port check."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
from pathlib import Path

import pytest

from municipalities.importers.files import open_register_file
from pages.management.commands.setup_demo import NATIONAL_REGISTER

ROOT = Path(__file__).resolve().parents[2]


def test_the_whole_national_register_ships_compressed_and_is_read_by_default():
    assert NATIONAL_REGISTER.name == "gemeinden_de_2024.csv.gz"
    assert NATIONAL_REGISTER.stat().st_size < 1_000_000
    source = open_register_file(NATIONAL_REGISTER)
    rows = list(source.rows)
    assert len(rows) == 10_752 and source.skipped_unincorporated == 207
    assert any(row.values["name"] == "Barleben" for row in rows)
    assert "dl-de/by-2-0" in (NATIONAL_REGISTER.parent / "README.md").read_text()


def test_the_shipped_register_is_the_official_file(shared_data):
    assert gzip.decompress(NATIONAL_REGISTER.read_bytes()) == (shared_data / "gemeinden_de_2024.csv").read_bytes()


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_a_free_port_passes(busy_port):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    result = subprocess.run([ROOT / "scripts" / "port_free", str(free)], capture_output=True)  # noqa: S603
    assert result.returncode == 0


def test_a_busy_port_is_named_in_german(busy_port):
    result = subprocess.run(  # noqa: S603 - our own script
        [ROOT / "scripts" / "port_free", str(busy_port)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"Port {busy_port} ist belegt – starten Sie mit PORT=" in result.stderr
    assert result.stderr.rstrip().endswith("scripts/demo")


def test_scripts_demo_stops_at_a_busy_port_before_doing_anything(busy_port):
    env = {**os.environ, "PORT": str(busy_port)}
    result = subprocess.run(  # noqa: S603 - our own script
        [ROOT / "scripts" / "demo"], capture_output=True, text=True, env=env, timeout=30
    )
    assert result.returncode == 1
    assert f"Port {busy_port} ist belegt" in result.stderr
    assert "Umgebung" not in result.stdout  # neither bootstrap nor migrate ran
