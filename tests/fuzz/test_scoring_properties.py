"""Properties of the scoring and tie rules (README "Decisions → Evaluation", SPEC §7), for any regions, values,
award tables and caps: stated as invariants the results must satisfy, not as a second implementation.

- a score is value ÷ best × weight to the cent: the best scores the full weight, nothing scores above it or
  below 0, a negative value scores 0, and only the ratio to the best matters;
- totals equal to the cent share a rank and the next rank skips (1, 1, 3): a region's rank is one more than
  the number of regions strictly ahead of it, whatever the order the regions come in;
- awards: tied regions receive the same, no award exceeds the cap, the table's sum is never exceeded (the
  split is rounded down to 0.01 万元, losing less than a cent a region), and a better rank never pays less.
"""

from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from evaluation.scoring import awards, indicator_scores, ranks

CENT = Decimal("0.01")


def cents(low: int, high: int):
    """Decimals with two places, from ``low`` to ``high`` cents."""
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


codes = st.lists(
    st.sampled_from([f"5001{n:02d}" for n in range(1, 39)] + ["LJXQ", "GXQ", "JKQ", "WSJKQ"]),
    min_size=1,
    max_size=12,
    unique=True,
)
values = cents(-(10**9), 10**9)  # an indicator's value: growth may be negative
weights = cents(1, 100_00)
# Totals to a tenth of a cent, mostly a few apart, so that ties, and totals that differ only below a cent
# (80.004 and 80.00 tie; 80.006 does not), turn up often.
totals_ = st.one_of(
    st.builds(
        lambda base, tenths: Decimal(base) + Decimal(tenths).scaleb(-3),
        st.sampled_from([0, 20, 50, 80, 100]),
        st.integers(0, 9),
    ),
    st.integers(0, 100_000).map(lambda n: Decimal(n).scaleb(-3)),
)
amounts = cents(0, 3000_00)
caps = cents(0, 3000_00)


def region_values(strategy):
    return codes.flatmap(lambda cs: st.fixed_dictionaries(dict.fromkeys(cs, strategy)))


def descending_table(max_size=12):
    return st.lists(amounts, max_size=max_size).map(lambda table: sorted(table, reverse=True))


# --- indicator scores -------------------------------------------------------------------------------------


@given(region_values(values), weights)
def test_scores_lie_between_zero_and_the_weight_to_the_cent(values, weight):
    scores = indicator_scores(values, weight)
    assert scores.keys() == values.keys()
    for code, score in scores.items():
        assert Decimal(0) <= score <= weight
        assert score == score.quantize(CENT)
        if values[code] <= 0:
            assert score == 0


@given(region_values(values), weights)
def test_the_best_positive_value_scores_the_full_weight(values, weight):
    scores = indicator_scores(values, weight)
    best = max(values.values())
    for code, value in values.items():
        if best > 0 and value == best:
            assert scores[code] == weight.quantize(CENT)
    if best <= 0:
        assert set(scores.values()) == {Decimal(0)}


@given(region_values(values), weights)
def test_a_higher_value_never_scores_less(values, weight):
    scores = indicator_scores(values, weight)
    for a in values:
        for b in values:
            if values[a] >= values[b]:
                assert scores[a] >= scores[b]


@given(region_values(values), weights, st.integers(1, 1000))
def test_only_the_ratio_to_the_best_matters(values, weight, factor):
    """Counting in ㎡ or in 10,000㎡, in people or in thousands: the same scores."""
    scaled = {code: value * factor for code, value in values.items()}
    assert indicator_scores(scaled, weight) == indicator_scores(values, weight)


@given(region_values(values), weights)
def test_a_score_is_value_over_best_times_weight_within_half_a_cent(values, weight):
    best = max(values.values())
    assume(best > 0)
    for code, score in indicator_scores(values, weight).items():
        exact = max(values[code], Decimal(0)) * weight / best
        assert abs(score - exact) <= Decimal("0.005")


# --- ranks ------------------------------------------------------------------------------------------------


@given(region_values(totals_))
def test_a_rank_is_one_more_than_the_regions_strictly_ahead(totals):
    result = ranks(totals)
    assert result.keys() == totals.keys()
    to_cent = {code: total.quantize(CENT) for code, total in totals.items()}
    for code, rank in result.items():
        ahead = sum(1 for other in totals if to_cent[other] > to_cent[code])
        assert rank == ahead + 1


@given(region_values(totals_))
def test_totals_equal_to_the_cent_share_a_rank_and_higher_totals_rank_better(totals):
    result = ranks(totals)
    for a in totals:
        for b in totals:
            equal = totals[a].quantize(CENT) == totals[b].quantize(CENT)
            assert (result[a] == result[b]) == equal
            if totals[a].quantize(CENT) > totals[b].quantize(CENT):
                assert result[a] < result[b]
    assert min(result.values()) == 1
    assert max(result.values()) <= len(totals)


@given(region_values(totals_), st.randoms(use_true_random=False))
def test_ranks_do_not_depend_on_the_order_of_the_regions(totals, random):
    items = list(totals.items())
    random.shuffle(items)
    assert ranks(dict(items)) == ranks(totals)


# --- awards -----------------------------------------------------------------------------------------------


@given(region_values(totals_), st.lists(amounts, max_size=12), caps)
def test_the_table_is_never_exceeded_and_the_cap_always_holds(totals, table, cap):
    result = awards(ranks(totals), table, cap)
    assert result.keys() == totals.keys()
    assert sum(result.values()) <= sum(table)
    for amount in result.values():
        assert Decimal(0) <= amount <= cap
        assert amount == amount.quantize(CENT)


@given(region_values(totals_), st.lists(amounts, max_size=12), caps)
def test_tied_regions_receive_the_same_award(totals, table, cap):
    region_ranks = ranks(totals)
    result = awards(region_ranks, table, cap)
    for a in totals:
        for b in totals:
            if region_ranks[a] == region_ranks[b]:
                assert result[a] == result[b]


@given(region_values(totals_), descending_table(), caps)
def test_a_better_rank_never_pays_less(totals, table, cap):
    region_ranks = ranks(totals)
    result = awards(region_ranks, table, cap)
    for a in totals:
        for b in totals:
            if region_ranks[a] < region_ranks[b]:
                assert result[a] >= result[b]


@given(region_values(totals_), st.lists(amounts, max_size=12))
def test_rounding_down_the_split_loses_less_than_a_cent_a_region(totals, table):
    """Without a binding cap, what is paid is the table's amounts for the positions the regions occupy,
    less under a cent per region lost to rounding the pooled shares down."""
    cap = Decimal(10**9)
    result = awards(ranks(totals), table, cap)
    occupied = sum(table[: len(totals)], Decimal(0))
    paid = sum(result.values(), Decimal(0))
    assert occupied - len(totals) * CENT < paid <= occupied


@given(region_values(totals_), st.lists(amounts, max_size=12), caps)
def test_without_ties_each_region_receives_its_position_capped(totals, table, cap):
    assume(len({total.quantize(CENT) for total in totals.values()}) == len(totals))
    region_ranks = ranks(totals)
    result = awards(region_ranks, table, cap)
    for code, rank in region_ranks.items():
        own = table[rank - 1] if rank <= len(table) else Decimal(0)
        assert result[code] == min(own, cap)


@given(region_values(totals_), st.lists(amounts, max_size=12), caps, st.randoms(use_true_random=False))
def test_awards_do_not_depend_on_the_order_of_the_regions(totals, table, cap, random):
    items = list(totals.items())
    random.shuffle(items)
    assert awards(ranks(dict(items)), table, cap) == awards(ranks(totals), table, cap)


# --- the whole table --------------------------------------------------------------------------------------


indicator_count = st.integers(1, 5)


@st.composite
def evaluations(draw):
    """Regions with values on a few indicators of given weights."""
    cs = draw(codes)
    n = draw(indicator_count)
    weight_list = draw(st.lists(weights, min_size=n, max_size=n))
    table = {code: draw(st.lists(values, min_size=n, max_size=n)) for code in cs}
    return weight_list, table


def _evaluate(weight_list, table, award_table, cap):
    totals = {code: Decimal(0) for code in table}
    for i, weight in enumerate(weight_list):
        for code, score in indicator_scores({c: v[i] for c, v in table.items()}, weight).items():
            totals[code] += score
    region_ranks = ranks(totals)
    return totals, region_ranks, awards(region_ranks, award_table, cap)


@given(evaluations(), descending_table(), caps)
def test_a_region_at_least_as_good_on_every_indicator_is_ranked_and_paid_at_least_as_well(
    evaluation, award_table, cap
):
    weight_list, table = evaluation
    totals, region_ranks, paid = _evaluate(weight_list, table, award_table, cap)
    for a in table:
        for b in table:
            if all(x >= y for x, y in zip(table[a], table[b], strict=True)):
                assert totals[a] >= totals[b]
                assert region_ranks[a] <= region_ranks[b]
                assert paid[a] >= paid[b]


@given(evaluations())
def test_a_total_never_exceeds_the_sum_of_the_weights(evaluation):
    weight_list, table = evaluation
    totals, _, _ = _evaluate(weight_list, table, [], Decimal(0))
    for total in totals.values():
        assert Decimal(0) <= total <= sum(weight_list)
