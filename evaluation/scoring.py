"""The scoring rules of SPEC §7, as pure functions on plain numbers.

- An indicator scores value ÷ best value × weight; a negative value scores 0; if no region has a positive
  value, everyone scores 0.
- Totals are compared to the cent (0.01): equal totals share a rank, and the next rank skips (1, 1, 3).
- Awards ("share" tie rule): the awards of the positions a tied group occupies are pooled and split equally,
  rounded down to 0.01 万元, so the total paid never exceeds the table's sum; no award exceeds the cap.
"""

from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


def indicator_scores(values: dict[str, Decimal], weight: Decimal) -> dict[str, Decimal]:
    best = max((v for v in values.values()), default=Decimal(0))
    if best <= 0:
        return {code: Decimal("0.00") for code in values}
    return {code: (max(value, Decimal(0)) / best * weight).quantize(CENT) for code, value in values.items()}


def ranks(totals: dict[str, Decimal]) -> dict[str, int]:
    """Competition ranking on totals to the cent: equal totals share a rank."""
    ordered = sorted(totals.items(), key=lambda item: -item[1].quantize(CENT))
    result, previous, rank = {}, None, 0
    for position, (code, total) in enumerate(ordered, start=1):
        total = total.quantize(CENT)
        if total != previous:
            rank, previous = position, total
        result[code] = rank
    return result


def awards(region_ranks: dict[str, int], table: list[Decimal], cap: Decimal) -> dict[str, Decimal]:
    """Each region's award: its rank group's pooled positions split equally, at most ``cap``."""
    groups: dict[int, list[str]] = {}
    for code, rank in region_ranks.items():
        groups.setdefault(rank, []).append(code)
    result = {}
    for rank, codes in groups.items():
        positions = range(rank, rank + len(codes))
        pool = sum((Decimal(table[p - 1]) for p in positions if p <= len(table)), Decimal(0))
        share = (pool / len(codes)).quantize(CENT, rounding=ROUND_DOWN)
        for code in codes:
            result[code] = min(share, cap)
    return result
