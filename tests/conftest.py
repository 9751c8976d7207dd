"""Shared fixtures. ``world`` is the standard cast of the permission suite: an own region (渝中区) and an
other region (江北区), each with an enterprise, an officer and an enterprise user, plus city staff."""

import os
from dataclasses import dataclass
from importlib import import_module

import pytest
from rest_framework.test import APIClient

from enterprises.models import Enterprise
from portal.models import User

from . import factories

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's machine that lacks a service; fail in CI, where everything must run."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must run this test: {reason}")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush every table afterwards, the reference data of the data migrations included
    (regions, the five programmes with their targets and tasks). Reload it, with the migrations' own
    loaders, for each transactional test."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from django.apps import apps

        import_module("portal.migrations.0002_regions").load_regions(apps, None)
        import_module("programmes.migrations.0002_programmes").load_programmes(apps, None)


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """Tasks run eagerly in ordinary tests; tests marked ``worker`` send them through the real broker."""
    from portal import celery_app

    eager = request.node.get_closest_marker("worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager or not settings_redis_url()
    yield
    celery_app.conf.task_always_eager = previous


def settings_redis_url() -> str:
    from django.conf import settings

    return settings.REDIS_URL


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    city: User
    own_region_code: str
    other_region_code: str
    own_enterprise: Enterprise
    other_enterprise: Enterprise
    district: User
    other_district: User
    enterprise: User
    other_enterprise_user: User

    def report(self, status: str = "draft", **fields):
        """A report of the own region's enterprise in the given state (two months ago by default)."""
        return factories.ReportFactory(enterprise=self.own_enterprise, status=status, **fields)

    def grant(self):
        from datetime import timedelta

        from django.utils import timezone

        from enterprises.models import SupportGrant

        return SupportGrant.objects.create(
            enterprise=self.own_enterprise,
            kind="rent",
            amount=10,
            granted_on=timezone.localdate() - timedelta(days=3),
        )

    def user(self, who: str) -> User | None:
        return {
            "anonymous": None,
            "enterprise": self.enterprise,
            "other_district": self.other_district,
            "district": self.district,
            "city": self.city,
        }[who]


@pytest.fixture
def world(db) -> World:
    own = factories.EnterpriseFactory(region=factories.region("500103"))
    other = factories.EnterpriseFactory(
        region=factories.region("500105"), uscc=factories.make_uscc(9000001, "500105")
    )
    return World(
        city=factories.city_user(username="city-staff"),
        own_region_code="500103",
        other_region_code="500105",
        own_enterprise=own,
        other_enterprise=other,
        district=factories.district_user("500103", username="officer-yuzhong"),
        other_district=factories.district_user("500105", username="officer-jiangbei"),
        enterprise=factories.enterprise_user(own, username="filer-own"),
        other_enterprise_user=factories.enterprise_user(other, username="filer-other"),
    )


@pytest.fixture
def api():
    """An API client; ``api.as_user(user)`` authenticates with a real token, None stays anonymous."""

    class Client(APIClient):
        def as_user(self, user):
            from rest_framework.authtoken.models import Token

            self.credentials()
            if user is not None:
                token, _ = Token.objects.get_or_create(user=user)
                self.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
            return self

    return Client()


@pytest.fixture
def celery_worker():
    """A real Celery worker in a thread, consuming from Redis (tests marked ``worker``; CI sets REDIS_URL)."""
    from django.conf import settings

    require(bool(settings.REDIS_URL), "REDIS_URL is not set: no broker for a real worker")
    from celery.contrib.testing.worker import start_worker

    from portal import celery_app

    celery_app.loader.import_module("celery.contrib.testing.tasks")
    celery_app.control.purge()  # messages an earlier, interrupted run left behind are not this test's
    with start_worker(celery_app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as worker:
        yield worker
