import pytest

from solutions.services import editorial_setup, solution_index_get_or_create
from tests.factories.register import municipality


@pytest.fixture
def register(db):
    return {
        "barleben": municipality("15083040", "Barleben", 9238, district_name="Börde"),
        "hemmingen_ni": municipality("03241007", "Hemmingen", 18885, district_name="Region Hannover"),
        "hemmingen_bw": municipality("08118027", "Hemmingen", 8222, district_name="Ludwigsburg"),
        "groeningen": municipality("15083245", "Gröningen", 3525, district_name="Börde"),
        "calw": municipality("08235085", "Calw", 24448, district_name="Calw"),
    }


@pytest.fixture
def index(site):
    index = solution_index_get_or_create()
    editorial_setup(index)
    return index
