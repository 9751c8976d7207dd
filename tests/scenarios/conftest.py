"""Fixtures of the scenario tests: uploads land in a temporary folder, and a few ready-made scenarios of the
own region (渝中区)."""

import pytest

from tests.factories import make_scenario


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def collected(world):
    """A district-level scenario of the own region being collected, meeting every publication requirement."""
    return make_scenario(world.own_region_code, title="渝中区政务服务智能客服")


@pytest.fixture
def published(world):
    """A published district-level scenario of the own region, open until 20 days from now, no applicant."""
    return make_scenario(world.own_region_code, status="published", title="渝中区智慧停车诱导平台")
