"""Every change of data and of permissions is in the audit history, with who made it (issue 10).

django-simple-history keeps the history; ``HistoryRequestMiddleware`` gives it the signed-in user, services
pass ``actor`` as ``_history_user``. The walk below fails when a model of the project has no history and is
not on the reasoned list of audit records that need none.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import HistoryDescriptor

from enterprises.models import Enterprise
from evaluation.models import Indicator
from portal.models import User
from tests.factories import TEST_PASSWORD, city_user

PROJECT_APPS = ("portal", "enterprises", "buildings", "scenarios", "programmes", "evaluation")

# Models without a history of their own, and why none is needed. Each is written once by a service (or a
# computation) and never edited: the admin shows them read only (checked below).
NO_HISTORY = {
    "portal.ImportJob": "the record of one import (who, which file, the per-row report); the rows it writes "
    "go through the services and land in their own models' history",
    "enterprises.ReportTransition": "the monthly-report workflow's audit log itself (actor, steps, reason)",
    "enterprises.PoolDecision": "the 培育库's audit log itself (decided_by, decision, reason)",
    "scenarios.ScenarioTransition": "the scenario lifecycle's audit log itself (actor, steps, reason, note)",
    "scenarios.ScenarioList": "made by publishing, recorded by each publication's ScenarioTransition",
    "evaluation.RunResult": "computed output of a run; the run's history records who asked and who published",
}


def _project_models():
    """The project's own models, without the historical models django-simple-history adds."""
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if not hasattr(model, "instance_type"):  # a historical model points at the model it records
                yield model


def _has_history(model) -> bool:
    return any(isinstance(vars(klass).get("history"), HistoryDescriptor) for klass in model.__mro__)


def test_every_model_keeps_its_history_or_says_why_not():
    missing = sorted(
        model._meta.label
        for model in _project_models()
        if not _has_history(model) and model._meta.label not in NO_HISTORY
    )
    assert missing == [], (
        f"add HistoricalRecords() to these models, or give a reason in NO_HISTORY: {missing}"
    )
    # The list holds nothing stale: each entry is a project model without history.
    labels = {model._meta.label: model for model in _project_models()}
    assert [label for label in NO_HISTORY if label not in labels or _has_history(labels[label])] == []


def test_many_to_many_changes_are_in_the_history():
    """A many-to-many field (a user's groups and permissions, a scheme's regions, a group's permissions) is
    recorded only when the history names it."""
    untracked = []
    for model in [*_project_models(), Group]:
        if not _has_history(model):
            continue
        tracked = {field.name for field in model.history.model._history_m2m_fields}
        untracked += [
            f"{model._meta.label}.{f.name}" for f in model._meta.many_to_many if f.name not in tracked
        ]
    assert untracked == []


def test_the_history_of_accounts_holds_role_scope_and_rights():
    history = User.history.model
    recorded = {field.name for field in history._meta.get_fields()}
    assert {"role", "region", "enterprise", "is_active", "is_staff", "is_superuser"} <= recorded
    assert {field.name for field in history._history_m2m_fields} == {"groups", "user_permissions"}
    assert "password" not in recorded  # the hash stays out of the history


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = User(role="city", is_staff=True, is_superuser=True, is_active=True)
    return request


def test_the_admin_edits_no_record_that_lacks_history():
    """Staff repair work in the admin is recorded too: a model without history is read only there, directly
    and as an inline; a model with history shows it (SimpleHistoryAdmin)."""
    request = _superuser_request()
    problems = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label in NO_HISTORY:
            writable = [
                name
                for name, allowed in (
                    ("add", model_admin.has_add_permission(request)),
                    ("change", model_admin.has_change_permission(request)),
                    ("delete", model_admin.has_delete_permission(request)),
                )
                if allowed
            ]
            problems += [f"{label} admin may {name}" for name in writable]
        elif _has_history(model) and not isinstance(model_admin, SimpleHistoryAdmin):
            problems.append(f"{label} admin does not show its history")
        for inline in model_admin.get_inline_instances(request):
            inline_label = inline.model._meta.label
            if inline_label not in NO_HISTORY:
                continue
            editable = {f.name for f in inline.model._meta.fields if f.editable and not f.primary_key}
            editable.discard(
                inline.fk_name or next(f.name for f in inline.model._meta.fields if f.related_model is model)
            )
            if (
                inline.has_add_permission(request, None)
                or inline.can_delete
                or editable - set(inline.readonly_fields)
            ):
                problems.append(f"{inline_label} is editable as an inline of {label}")
    assert problems == []


# --- the acting user is recorded ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_api_change_of_an_account_records_the_officer(world, api):
    response = api.as_user(world.district).patch(
        f"/api/v1/accounts/{world.enterprise.pk}/", {"is_active": False}, format="json"
    )
    assert response.status_code == 200
    latest = world.enterprise.history.latest()
    assert (latest.history_user, latest.is_active, latest.history_type) == (world.district, False, "~")


@pytest.mark.django_db
def test_an_api_change_of_enterprise_tags_records_the_officer(world, api):
    url = f"/api/v1/enterprises/{world.own_enterprise.pk}/"
    api.as_user(world.district).patch(url, {"tags": ["industrial_software", "open_source"]}, format="json")
    response = api.as_user(world.city).patch(url, {"tags": ["open_source"]}, format="json")
    assert response.status_code == 200, response.data
    history = Enterprise.tags.rel.related_model.history.order_by("history_id")
    assert [(h.tag, h.history_type, h.history_user) for h in history] == [
        ("industrial_software", "+", world.district),
        ("open_source", "+", world.district),
        ("industrial_software", "-", world.city),
    ]


@pytest.mark.django_db
def test_an_api_scheme_records_its_indicators_with_the_city_staff(world, api):
    response = api.as_user(world.city).post(
        "/api/v1/evaluation/schemes/",
        {
            "name": "审计方案",
            "year": 2025,
            "period": "H1",
            "regions": ["500103", "500105"],
            "indicators": [{"code": "x", "name": "新增企业数", "weight": "100", "source": "new_enterprises"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    indicator = Indicator.objects.get(scheme_id=response.data["id"])
    assert [(h.weight, h.history_user) for h in indicator.history.all()] == [(indicator.weight, world.city)]


@pytest.mark.django_db
def test_admin_changes_of_groups_and_permissions_record_the_admin(world, client):
    """Rights that open the admin (a user's groups, a group's permissions) are recorded with who gave them."""
    admin_user = city_user(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    permission = Permission.objects.get(codename="change_building")
    response = client.post(
        "/admin/auth/group/add/", {"name": "楼宇维护", "permissions": [permission.pk]}, follow=False
    )
    assert response.status_code == 302, response.content[:500]
    group = Group.objects.get(name="楼宇维护")
    assert [
        (h.history_user, list(h.permissions.values_list("permission_id", flat=True)))
        for h in group.history.all()
    ][0] == (admin_user, [permission.pk])

    officer = world.district
    response = client.post(
        f"/admin/portal/user/{officer.pk}/change/",
        {
            "username": officer.username,
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "role": "district",
            "region": officer.region_id,
            "date_joined_0": "2025-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    latest = officer.history.latest()
    assert latest.history_user == admin_user
    assert latest.is_staff is True
    assert list(latest.groups.values_list("group_id", flat=True)) == [group.pk]
    # The officer still signs in with the same password: the form did not touch it.
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)
