"""Every app is shipped: the wheel's package list, the import contracts and the container image name the
same packages, so a new app cannot be missing from `pip install .` or from the image."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _wheel_packages() -> set[str]:
    return {p.rstrip("*") for p in _pyproject()["tool"]["setuptools"]["packages"]["find"]["include"]}


def test_every_project_app_is_in_the_wheel_and_the_import_contracts():
    own_apps = {app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()}
    floors = set(_pyproject()["tool"]["importlinter"]["root_packages"])
    assert own_apps <= _wheel_packages()
    assert own_apps <= floors
    layers = next(c for c in _pyproject()["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    assert set(layers["layers"]) == floors


def test_the_image_copies_every_package_before_installing_it():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    before_install = dockerfile.split("\nRUN pip install")[0]
    copied = set(re.findall(r"^COPY (\w+) \./\1$", before_install, flags=re.MULTILINE))
    assert _wheel_packages() <= copied
