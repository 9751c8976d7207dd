"""The one place that decides what a user may see.

Every model a user can reach has a queryset with ``visible_to(user)``. Views, API viewsets, exports and
imports start from it (through ``ScopedViewSet`` and ``ScopedViewMixin``), so a record outside the caller's
scope is simply not found: 404, never 403, so its existence is not revealed.

A queryset says how its rows hang off a region and an enterprise by two class attributes:

- ``region_path``: the lookup to the owning region's id (e.g. ``"region"``, ``"building__region"``), or
  ``None`` when rows have no region (district officers then see nothing);
- ``enterprise_path``: the lookup to the owning enterprise's id, or ``None`` (enterprise users then see
  nothing);

and may override ``public()`` for what anonymous visitors see (nothing by default).
"""

from __future__ import annotations

from django.db import models

from .choices import Role


class ScopedQuerySet(models.QuerySet):
    region_path: str | None = "region"
    enterprise_path: str | None = None

    def public(self):
        """Rows anyone may read without logging in. Nothing, unless a model says otherwise."""
        return self.none()

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.public()
        if user.role == Role.CITY:
            return self.all()
        if user.role == Role.DISTRICT and self.region_path and user.region_id:
            return self.filter(**{self.region_path: user.region_id})
        if user.role == Role.ENTERPRISE and self.enterprise_path and user.enterprise_id:
            return self.filter(**{self.enterprise_path: user.enterprise_id})
        return self.none()


def role_of(user) -> str | None:
    """The portal role of a user, or None for the anonymous public and inactive accounts."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role
