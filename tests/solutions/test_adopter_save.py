"""One service writes a case's adopters: the live case changes at once, an editors' draft keeps the change,
and what cannot be an adoption is refused in German."""

import pytest

from solutions.choices import AdoptionStatus
from solutions.models import SolutionPage
from solutions.services import AdopterNotSaved, solution_adopter_save
from tests.factories.register import municipality
from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(tmp_path):
    municipality()  # Barleben, the lead town
    return publish_cases(tmp_path, case_line())[0]


@pytest.fixture
def loewenberg():
    return municipality("12065198", "Löwenberger Land", population=8400, district_name="Oberhavel")


def test_a_new_adopter_is_published_at_once(case, loewenberg):
    row = solution_adopter_save(
        case.pk, loewenberg, status=AdoptionStatus.PILOT, since_year=2025, notes="Gut „gelaufen“"
    )

    live = SolutionPage.objects.get(pk=case.pk)
    assert [(a.municipality.name, a.status, a.notes) for a in live.adopters.all()] == [
        ("Löwenberger Land", "pilot", "Gut „gelaufen“")
    ]
    assert row.pk == live.adopters.get().pk
    assert not live.has_unpublished_changes


def test_a_change_keeps_the_row_and_its_other_fields(case, loewenberg):
    first = solution_adopter_save(case.pk, loewenberg, status=AdoptionStatus.PILOT, since_year=2024, notes="Anfang")
    second = solution_adopter_save(case.pk, loewenberg, status=AdoptionStatus.IN_OPERATION)

    assert second.pk == first.pk
    assert (second.status, second.since_year, second.notes) == ("in_operation", 2024, "Anfang")


def test_an_editors_draft_gets_the_change_too_and_stays_a_draft(case, loewenberg):
    draft = SolutionPage.objects.get(pk=case.pk)
    draft.title = "Straßenschäden automatisch erkennen (Entwurf der Redaktion)"
    draft.save_revision()

    solution_adopter_save(case.pk, loewenberg, status=AdoptionStatus.PLANNED, since_year=2026)

    live = SolutionPage.objects.get(pk=case.pk)
    assert live.title == "Straßenzustand per App erfassen"  # the editors' text is not published behind their back
    assert [a.municipality.name for a in live.adopters.all()] == ["Löwenberger Land"]
    assert live.has_unpublished_changes
    editors = live.get_latest_revision_as_object()
    assert editors.title.endswith("(Entwurf der Redaktion)")
    assert [a.municipality.name for a in editors.adopters.all()] == ["Löwenberger Land"]

    # Publishing the editors' draft later keeps the adopter.
    editors.save_revision().publish()
    assert [a.municipality.name for a in SolutionPage.objects.get(pk=case.pk).adopters.all()] == ["Löwenberger Land"]


def test_only_if_new_leaves_an_existing_adopter_alone(case, loewenberg):
    solution_adopter_save(case.pk, loewenberg, status=AdoptionStatus.PILOT)

    assert solution_adopter_save(case.pk, loewenberg, only_if_new=True, status=AdoptionStatus.IN_OPERATION) is None
    assert SolutionPage.objects.get(pk=case.pk).adopters.get().status == "pilot"


def test_the_lead_town_and_unpublished_cases_are_refused(case, loewenberg):
    with pytest.raises(AdopterNotSaved, match="federführende Kommune"):
        solution_adopter_save(case.pk, case.lead_municipality, status=AdoptionStatus.PILOT)
    case.unpublish()
    with pytest.raises(AdopterNotSaved, match="nicht veröffentlicht"):
        solution_adopter_save(case.pk, loewenberg, status=AdoptionStatus.PILOT)
    assert not SolutionPage.objects.get(pk=case.pk).adopters.exists()


def test_unknown_fields_are_a_programming_error(case, loewenberg):
    with pytest.raises(TypeError):
        solution_adopter_save(case.pk, loewenberg, colour="grün")
