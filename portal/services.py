"""Every write to accounts goes through here: the API, the pages and seed_demo alike."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .choices import Role
from .models import Region, User


def _check_binding(*, role: str, region: Region | None, enterprise) -> tuple[Region | None, object | None]:
    """Return the (region, enterprise) pair a role is stored with, or refuse a binding that does not fit."""
    if role not in Role.values:
        raise ValidationError({"role": "角色无效：只能是市级用户、区县用户或企业填报员。"})
    if role == Role.CITY:
        if region is not None or enterprise is not None:
            raise ValidationError({"role": "市级用户不能绑定区域或企业。"})
        return None, None
    if role == Role.DISTRICT:
        if region is None:
            raise ValidationError({"region": "区县用户必须指定所属区域。"})
        if enterprise is not None:
            raise ValidationError({"enterprise": "区县用户不能绑定企业。"})
        return region, None
    if enterprise is None:
        raise ValidationError({"enterprise": "企业填报员必须指定所属企业。"})
    if region is not None and region.pk != enterprise.region_id:
        raise ValidationError({"region": "企业填报员的区域由其企业决定，与所填区域不一致。"})
    return None, enterprise


def _check_actor_may_manage(*, actor: User | None, role: str, enterprise) -> None:
    if actor is None or actor.role == Role.CITY:
        return
    if actor.role == Role.DISTRICT:
        if role != Role.ENTERPRISE:
            raise PermissionDenied("区县用户只能为本区域的企业开设企业填报员账号。")
        if enterprise is not None and enterprise.region_id != actor.region_id:
            raise ValidationError({"enterprise": "企业不存在或不在您管辖的区域内。"})
        return
    raise PermissionDenied("您的角色无权管理账号。")


@transaction.atomic
def create_account(
    *,
    actor: User | None,
    username: str,
    password: str = "",
    role: str,
    region: Region | None = None,
    enterprise=None,
    is_active: bool = True,
    admin: bool = False,
    password_hash: str = "",
) -> User:
    """Open an account. City staff open any; a district officer only enterprise users of its region.

    ``actor=None`` is the system itself (management commands such as seed_demo); only it may pass an
    already hashed ``password_hash`` instead of a password, to open many accounts without hashing each.
    ``admin`` lets a city account into the admin site for repair work."""
    _check_actor_may_manage(actor=actor, role=role, enterprise=enterprise)
    region, enterprise = _check_binding(role=role, region=region, enterprise=enterprise)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "请填写用户名。"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用。"})
    if admin and role != Role.CITY:
        raise ValidationError({"role": "只有市级用户可以使用管理后台。"})
    user = User(
        username=username,
        role=role,
        region=region,
        enterprise=enterprise,
        is_active=is_active,
        is_staff=admin,
        is_superuser=admin,
    )
    if password_hash and actor is None:
        user.password = password_hash
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    user._history_user = actor
    user.save()
    return user


_UNSET = object()


@transaction.atomic
def update_account(
    *,
    actor: User,
    account: User,
    password: str | None = None,
    is_active: bool | None = None,
    role=_UNSET,
    region=_UNSET,
    enterprise=_UNSET,
) -> User:
    """Change an account. A district officer may reset passwords and (de)activate its region's enterprise
    users; only city staff change roles and bindings. Nobody deactivates their own account."""
    account = User.objects.select_for_update().get(pk=account.pk)
    changes_binding = any(value is not _UNSET for value in (role, region, enterprise))
    if actor.role == Role.DISTRICT:
        if account.role != Role.ENTERPRISE or changes_binding:
            raise PermissionDenied("区县用户只能重置本区域企业填报员的密码或启用、停用其账号。")
        _check_actor_may_manage(actor=actor, role=account.role, enterprise=account.enterprise)
    elif actor.role != Role.CITY:
        raise PermissionDenied("您的角色无权管理账号。")

    if changes_binding:
        new_role = account.role if role is _UNSET else role
        new_region = account.region if region is _UNSET else region
        new_enterprise = account.enterprise if enterprise is _UNSET else enterprise
        if new_role != Role.DISTRICT and region is _UNSET:
            new_region = None
        if new_role != Role.ENTERPRISE and enterprise is _UNSET:
            new_enterprise = None
        account.role = new_role
        account.region, account.enterprise = _check_binding(
            role=new_role, region=new_region, enterprise=new_enterprise
        )
    if is_active is not None:
        if not is_active and account.pk == actor.pk:
            raise ValidationError({"is_active": "不能停用自己的账号。"})
        account.is_active = is_active
    if password:
        try:
            validate_password(password, account)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        account.set_password(password)
    account._history_user = actor
    account.save()
    return account
