import pytest

from municipalities.size_classes import (
    SizeClass,
    SizeSubclass,
    neighbouring_size_classes,
    size_class_for,
    size_label,
    size_subclass_for,
)


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (0, SizeClass.LANDGEMEINDE),
        (4_999, SizeClass.LANDGEMEINDE),
        (5_000, SizeClass.KLEINSTADT),
        (19_999, SizeClass.KLEINSTADT),
        (20_000, SizeClass.MITTELSTADT),
        (99_999, SizeClass.MITTELSTADT),
        (100_000, SizeClass.GROSSSTADT),
        (3_600_000, SizeClass.GROSSSTADT),
    ],
)
def test_size_class_follows_bbsr_thresholds(population, expected):
    assert size_class_for(population) == expected


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (9_999, SizeSubclass.KLEINE_KLEINSTADT),
        (10_000, SizeSubclass.GROESSERE_KLEINSTADT),
        (49_999, SizeSubclass.KLEINERE_MITTELSTADT),
        (50_000, SizeSubclass.GROESSERE_MITTELSTADT),
        (499_999, SizeSubclass.KLEINERE_GROSSSTADT),
        (500_000, SizeSubclass.GROSSE_GROSSSTADT),
    ],
)
def test_subclasses_split_at_10k_50k_500k(population, expected):
    assert size_subclass_for(population) == expected


def test_negative_population_is_refused():
    with pytest.raises(ValueError):
        size_class_for(-1)


def test_neighbouring_classes_are_one_step_either_side():
    assert neighbouring_size_classes("landgemeinde") == [SizeClass.LANDGEMEINDE, SizeClass.KLEINSTADT]
    assert neighbouring_size_classes("mittelstadt") == [
        SizeClass.KLEINSTADT,
        SizeClass.MITTELSTADT,
        SizeClass.GROSSSTADT,
    ]


def test_api_slugs_are_the_documented_ones():
    assert SizeClass.values == ["landgemeinde", "kleinstadt", "mittelstadt", "grossstadt"]


@pytest.mark.parametrize(
    ("population", "label"),
    [
        (3_525, "Landgemeinde"),
        (9_238, "Kleinstadt (Kleine Kleinstadt)"),
        (18_885, "Kleinstadt (Größere Kleinstadt)"),
        (600_000, "Großstadt (Große Großstadt)"),
    ],
)
def test_size_label_never_repeats_the_class(population, label):
    assert size_label(size_class_for(population), size_subclass_for(population)) == label
