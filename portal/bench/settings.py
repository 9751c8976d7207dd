"""Settings of the benchmark's gunicorn: the portal's own, with a URL conf that adds the bare JSON view (the
baseline of the load measures). The production URL conf, and so the permission matrix that enumerates it,
never sees that view."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "portal.bench.urls"
