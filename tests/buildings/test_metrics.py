"""buildings.metrics: acquired area added, used area at a date and added, per region and per 园城."""

from datetime import date
from decimal import Decimal

import pytest

from buildings import metrics, services
from tests.factories import make_building, make_occupancy

pytestmark = pytest.mark.django_db

H1 = (date(2025, 1, 1), date(2025, 6, 30))
H2 = (date(2025, 7, 1), date(2025, 12, 31))


@pytest.fixture
def ledger(world):
    """渝中区: a building acquired in 2024 and extended in 2025 H1; 北碚区: a building in 缙云 acquired in
    2025 H2, one in 蔡家 acquired in H1, and one outside any park."""
    from tests.factories import region

    yuzhong = make_building("500103", name="A", acquired_on=date(2024, 5, 1))
    services.update_building(
        actor=None, building=yuzhong, acquired_area=Decimal("17000.00"), acquired_on=date(2025, 3, 1)
    )
    jinyun = make_building(
        "500109",
        name="B",
        park=region("500109-01"),
        acquired_area=Decimal("9000.00"),
        acquired_on=date(2025, 8, 15),
    )
    caijia = make_building(
        "500109",
        name="C",
        park=region("500109-02"),
        acquired_area=Decimal("4000.00"),
        acquired_on=date(2025, 6, 30),
    )
    town = make_building("500109", name="D", acquired_area=Decimal("1000.00"), acquired_on=date(2025, 1, 1))
    # Occupancies: running across H2, starting in H2, ending in H2, starting after H2.
    make_occupancy(yuzhong, area="3000.00", start_date=date(2025, 2, 1))
    make_occupancy(yuzhong, area="500.00", start_date=date(2025, 7, 1))
    make_occupancy(jinyun, area="2000.00", start_date=date(2025, 9, 1))
    make_occupancy(caijia, area="1200.00", start_date=date(2025, 5, 1), end_date=date(2025, 10, 31))
    make_occupancy(town, area="100.00", start_date=date(2026, 1, 1))
    return {"yuzhong": yuzhong, "jinyun": jinyun, "caijia": caijia, "town": town}


def test_acquired_area_added_per_region_and_half_year(ledger):
    assert metrics.acquired_area_added(*H1) == {"500103": Decimal("2000.00"), "500109": Decimal("5000.00")}
    assert metrics.acquired_area_added(*H2) == {"500109": Decimal("9000.00")}
    assert metrics.acquired_area_added(date(2024, 1, 1), date(2024, 12, 31)) == {
        "500103": Decimal("15000.00")
    }


def test_acquired_area_added_per_park(ledger):
    assert metrics.acquired_area_added(*H1, by="park") == {"500109-02": Decimal("4000.00")}
    assert metrics.acquired_area_added(*H2, by="park") == {"500109-01": Decimal("9000.00")}
    assert metrics.acquired_area_added(*H2, by="park", regions=["500109-02"]) == {}


def test_acquired_area_at_a_date(ledger):
    assert metrics.acquired_area_at(date(2025, 6, 30)) == {
        "500103": Decimal("17000.00"),
        "500109": Decimal("5000.00"),
    }


def test_used_area_at_a_date(ledger):
    assert metrics.used_area_at(date(2025, 6, 30)) == {
        "500103": Decimal("3000.00"),
        "500109": Decimal("1200.00"),
    }
    assert metrics.used_area_at(date(2025, 10, 31)) == {
        "500103": Decimal("3500.00"),
        "500109": Decimal("3200.00"),
    }
    assert metrics.used_area_at(date(2025, 11, 1)) == {
        "500103": Decimal("3500.00"),
        "500109": Decimal("2000.00"),
    }
    assert metrics.used_area_at(date(2025, 11, 1), by="park") == {"500109-01": Decimal("2000.00")}


def test_used_area_added_is_end_minus_the_day_before_the_start(ledger):
    # H2: 渝中 +500 (started 07-01, counts: the day before the period it was not there); 北碚 +2000 −1200.
    assert metrics.used_area_added(*H2) == {"500103": Decimal("500.00"), "500109": Decimal("800.00")}
    assert metrics.used_area_added(*H2, by="park") == {
        "500109-01": Decimal("2000.00"),
        "500109-02": Decimal("-1200.00"),
    }
    assert metrics.used_area_added(*H1, regions=["500103"]) == {"500103": Decimal("3000.00")}


def test_unknown_level_is_an_error():
    with pytest.raises(ValueError, match="by must be one of"):
        metrics.used_area_at(date(2025, 1, 1), by="street")


@pytest.mark.parametrize(
    "call",
    [
        lambda: metrics.acquired_area_added(*H1),
        lambda: metrics.acquired_area_at(H1[1], by="park"),
        lambda: metrics.used_area_at(H1[1]),
        lambda: metrics.used_area_added(*H2, by="park"),
    ],
)
def test_each_metric_is_one_query_whatever_the_number_of_buildings(ledger, call, django_assert_num_queries):
    with django_assert_num_queries(1):
        call()
    for n in range(15):
        building = make_building("500109", name=f"extra{n}", acquired_on=date(2025, 2, 1))
        make_occupancy(building, area="10.00", start_date=date(2025, 3, 1))
    with django_assert_num_queries(1):
        call()


def test_metrics_use_indexes_matching_their_filters():
    from buildings.models import AcquisitionChange, Occupancy

    acquisition = {tuple(index.fields) for index in AcquisitionChange._meta.indexes}
    occupancy = {tuple(index.fields) for index in Occupancy._meta.indexes}
    assert ("changed_on", "building") in acquisition
    assert ("start_date", "end_date") in occupancy
