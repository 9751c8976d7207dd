from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from . import services
from .choices import Role
from .filtersets import AccountFilterSet
from .forms import AccountCreateForm, AccountUpdateForm
from .mixins import ScopedViewMixin, add_service_errors
from .models import User
from .navigation import items_for


def home(request):
    """Everyone's landing page. City staff and district officers start on their dashboard (targets,
    trends, standing); enterprise users and the public get their work as cards."""
    role = getattr(request.user, "role", None) if request.user.is_authenticated else None
    if role == Role.CITY:
        return redirect("programmes:dashboard")
    if role == Role.DISTRICT:
        return redirect("programmes:region-dashboard")
    cards = [item for item in items_for(request.user) if item["url"] != request.path]
    return render(request, "portal/home.html", {"cards": cards})


def health(request):
    """Liveness for load balancers and docker-compose: the database and the cache answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure is a failed health check
        checks["database"] = "error"
    try:
        cache.set("health-check", "ok", 5)
        checks["cache"] = "ok" if cache.get("health-check") == "ok" else "error"
    except Exception:  # noqa: BLE001
        checks["cache"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


class AccountViewMixin(ScopedViewMixin):
    model = User
    allowed_roles = (Role.CITY, Role.DISTRICT)

    def optimize(self, queryset):
        return queryset.select_related("region", "enterprise__region")


class AccountListView(AccountViewMixin, View):
    def get(self, request):
        filterset = AccountFilterSet(request.GET, queryset=self.get_queryset())
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
        return render(request, "portal/account_list.html", {"filter": filterset, "page": page})


class AccountCreateView(AccountViewMixin, View):
    def get(self, request):
        return render(request, "portal/account_form.html", {"form": AccountCreateForm(actor=request.user)})

    def post(self, request):
        form = AccountCreateForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                account = services.create_account(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已开设账号“{account.username}”。")
                return redirect("accounts")
        return render(request, "portal/account_form.html", {"form": form}, status=400)


class AccountUpdateView(AccountViewMixin, View):
    def get_account(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)

    def get(self, request, pk):
        account = self.get_account(pk)
        form = AccountUpdateForm(initial={"is_active": account.is_active})
        return render(request, "portal/account_form.html", {"form": form, "account": account})

    def post(self, request, pk):
        account = self.get_account(pk)
        form = AccountUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.update_account(actor=request.user, account=account, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已更新账号“{account.username}”。")
                return redirect("accounts")
        return render(request, "portal/account_form.html", {"form": form, "account": account}, status=400)
