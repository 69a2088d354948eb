"""Published cases and municipality members for tests, built through the same services as production."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth.models import User

from municipalities.models import MemberRole, Municipality, MunicipalityMember
from solutions.importers.jsonl import parse_solutions_file
from solutions.models import SolutionPage
from solutions.services import solutions_import


def case_line(slug: str = "barleben-strassen", **fields) -> dict:
    return {
        "slug": slug,
        "title": fields.pop("title", "Straßenzustand per App erfassen"),
        "summary": fields.pop("summary", "Kurz gesagt: Schäden werden automatisch erkannt."),
        "problem": "Schäden wurden von Hand erfasst.",
        "solution": "Ein Smartphone filmt die Straße.\n\nEine KI sortiert die Schäden.",
        "results": "Drei Viertel der Straßen in Wochen erfasst.",
        "lessons_learned": "Datenschutz früh klären.",
        "topics": ["strassen-infrastruktur"],
        "municipality_ags": "15083040",
        "supplier": {"name": "vialytics", "website": "https://example.org"},
        "costs_eur": 12000,
        "duration_months": 3,
        "status": "in_operation",
        "year": 2023,
        "outcomes": [{"metric": "Straßen erfasst", "value": 75, "unit": "%"}],
        **fields,
    }


def write_jsonl(path: Path, lines: list[dict | str]) -> Path:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


def publish_cases(tmp_path: Path, *lines: dict) -> list[SolutionPage]:
    parsed = parse_solutions_file(write_jsonl(tmp_path / "cases.jsonl", list(lines)))
    assert not parsed.errors, parsed.errors
    solutions_import(parsed.records)
    return [SolutionPage.objects.get(slug=line["slug"]) for line in lines]


def member(
    municipality: Municipality, username: str = "buergermeisterin", *, approved: bool = True, email: str | None = None
) -> User:
    user = User.objects.create_user(username, email or f"{username}@example.org", "ein-sicheres-passwort-42")
    MunicipalityMember.objects.create(user=user, municipality=municipality, role=MemberRole.MAYOR, approved=approved)
    return user
