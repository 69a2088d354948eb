"""The depth of a case's transfer chain, on clean, broken and cyclic „learned from“ data."""

import pytest

from solutions.transfer import chain_depth

LEAD = 1


@pytest.mark.parametrize(
    ("learned_from", "depth"),
    [
        ({}, 0),
        ({2: LEAD}, 1),
        ({2: LEAD, 3: 2}, 2),  # lead → A → B
        ({2: LEAD, 3: 2, 4: 3, 5: LEAD}, 3),
        ({2: None, 3: 2}, 2),  # learned „über die Plattform“: one step from the lead
        ({2: 99, 3: 2}, 2),  # names a town not on the case: one step from the lead
        ({2: 2}, 1),  # names itself
        ({2: 3, 3: 2}, 2),  # A from B, B from A: each town counts once
        ({2: 3, 3: 4, 4: 2, 5: 2}, 4),  # a tail into a three-town cycle
        ({LEAD: 2, 2: LEAD}, 1),  # the lead itself among the adopters is not a step
    ],
)
def test_depth_follows_the_longest_chain_and_survives_broken_data(learned_from, depth):
    assert chain_depth(LEAD, learned_from) == depth


def test_depth_without_lead_town_counts_from_the_first_adopter():
    assert chain_depth(None, {2: None, 3: 2, 4: 3}) == 3


def test_a_long_chain_is_counted_without_recursion_limits():
    chain = {n: n - 1 for n in range(3, 5003)} | {2: LEAD}
    assert chain_depth(LEAD, chain) == 5001
