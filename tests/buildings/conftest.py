"""Fixtures of the building tests. The browser fixtures (Chromium launch arguments, ``screenshot``) are
the shared ones of tests/browser, made available here for the public-list browser test."""

import pytest

from tests.browser.conftest import browser_context_args, browser_type_launch_args, screenshot  # noqa: F401
from tests.factories import make_building


@pytest.fixture
def building(world):
    """The own region's (渝中区) building: 20,000㎡ gross, 15,000㎡ acquired, 12,000㎡ for letting."""
    return make_building(world.own_region_code, name="解放碑软件大厦")


@pytest.fixture
def other_building(world):
    return make_building(world.other_region_code, name="观音桥数字经济产业园")
