"""The scoring rules on plain numbers: scores, ranks, and awards with ties at the award boundaries."""

import random
from decimal import Decimal as D

from evaluation.scoring import awards, indicator_scores, ranks

TABLE = [D(3000), D(2500), D(2000), D(1500), D(1000), D(500)]


def test_value_over_best_times_weight_negative_scores_zero():
    assert indicator_scores({"A": D(200), "B": D(50), "C": D(-30)}, D(30)) == {
        "A": D("30.00"),
        "B": D("7.50"),
        "C": D("0.00"),
    }


def test_no_positive_value_scores_zero_everywhere():
    assert indicator_scores({"A": D(0), "B": D(-5)}, D(20)) == {"A": D("0.00"), "B": D("0.00")}


def test_equal_totals_share_a_rank_and_the_next_rank_skips():
    assert ranks({"A": D("90"), "B": D("80.004"), "C": D("80"), "D": D("10")}) == {
        "A": 1,
        "B": 2,
        "C": 2,
        "D": 4,
    }


def test_two_tied_at_an_award_boundary_split_the_pooled_positions():
    r = ranks({"A": D(90), "B": D(80), "C": D(80), "D": D(10)})
    assert awards(r, TABLE[:3], D(3000)) == {"A": D(3000), "B": D(2250), "C": D(2250), "D": D(0)}


def test_three_tied_at_an_award_boundary():
    r = ranks({"A": D(90), "B": D(70), "C": D(70), "D": D(70), "E": D(5), "F": D(1), "G": D(0)})
    assert awards(r, TABLE, D(3000)) == {
        "A": D(3000),
        "B": D(2000),
        "C": D(2000),
        "D": D(2000),
        "E": D(1000),
        "F": D(500),
        "G": D(0),
    }


def test_a_tie_straddling_the_end_of_the_table_is_rounded_down():
    r = ranks({"A": D(90), "B": D(70), "C": D(70), "D": D(70)})
    result = awards(r, TABLE[:2], D(3000))
    assert result == {"A": D(3000), "B": D("833.33"), "C": D("833.33"), "D": D("833.33")}
    assert sum(result.values()) <= sum(TABLE[:2])


def test_cap_holds_even_for_a_pooled_share():
    r = ranks({"A": D(50), "B": D(50)})
    assert awards(r, [D(3000), D(3000)], D(2000)) == {"A": D(2000), "B": D(2000)}


def test_total_paid_never_exceeds_the_table_and_cap_always_holds():
    rng = random.Random(7)
    for _ in range(500):
        n = rng.randint(1, 12)
        totals = {f"R{i}": D(rng.choice([0, 10, 20, 20, 35, 50, 50, 50, 70, 90])) for i in range(n)}
        table = sorted((D(rng.randint(0, 3000)) for _ in range(rng.randint(0, n))), reverse=True)
        cap = D(rng.choice([500, 2000, 3000]))
        result = awards(ranks(totals), table, cap)
        assert sum(result.values()) <= sum(table)
        assert all(D(0) <= amount <= cap for amount in result.values())
