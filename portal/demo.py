"""Demo accounts of API.md: ``city`` and ``district-<code>`` for every top-level region."""

from django.contrib.auth.hashers import make_password

from .choices import Role
from .models import Region, User
from .services import create_account


def seed(*, password: str, today) -> str:
    password_hash = make_password(password)  # hashed once for every demo account
    created = 0
    if not User.objects.filter(username="city").exists():
        create_account(actor=None, username="city", password_hash=password_hash, role=Role.CITY, admin=True)
        created += 1
    existing = set(User.objects.filter(username__startswith="district-").values_list("username", flat=True))
    for region in Region.objects.top_level():
        username = f"district-{region.code}"
        if username not in existing:
            create_account(
                actor=None, username=username, password_hash=password_hash, role=Role.DISTRICT, region=region
            )
            created += 1
    return f"新建账号 {created} 个"
