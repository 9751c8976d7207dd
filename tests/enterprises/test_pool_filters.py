"""The 培育库 page's review year: a bad ``?year=`` (not a number, or a year ``date`` cannot hold) used to be a
500; like the completeness page's bad period it is now a Chinese error message over last year's review."""

import pytest
from django.utils import timezone

from enterprises import services
from enterprises.models import PoolDecision

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["abc", "2025.5", "99999999999", "-1", "0", "9999"])
def test_a_bad_review_year_is_a_message_over_last_years_review(world, client, year):
    services.admit_to_pool(actor=world.city, enterprise=world.own_enterprise, level="qiming", reason="试点")
    client.force_login(world.city)
    response = client.get("/pool/", {"year": year})
    assert response.status_code == 200
    page = response.content.decode()
    last_year = timezone.localdate().year - 1
    assert f"复核年度“{year}”无效，应为年份，例如 {last_year}。" in page
    assert f"{last_year} 年度复核" in page and world.own_enterprise.name in page


def test_a_good_review_year_is_used_and_no_year_means_last_year(world, client):
    client.force_login(world.city)
    page = client.get("/pool/", {"year": "2024"}).content.decode()
    assert "2024 年度复核" in page and "无效" not in page
    page = client.get("/pool/", {"year": ""}).content.decode()
    assert f"{timezone.localdate().year - 1} 年度复核" in page and "无效" not in page


def test_a_bad_year_posted_with_a_decision_records_it_without_a_year(world, client):
    membership = services.admit_to_pool(
        actor=world.city, enterprise=world.own_enterprise, level="qiming", reason="试点"
    )
    client.force_login(world.city)
    response = client.post(
        "/pool/",
        {"membership": membership.pk, "decision": "keep", "reason": "复核通过", "year": "abc"},
        follow=True,
    )
    assert response.status_code == 200
    assert PoolDecision.objects.filter(decision="keep", review_year=None).exists()


def test_a_nul_in_the_search_is_dropped(world, client):
    client.force_login(world.city)
    response = client.get("/pool/", {"q": "星\x00河"})
    assert response.status_code == 200
