"""Login throttling responses (django-axes) and the API token endpoint's credential check."""

from axes.helpers import get_cool_off
from django.http import JsonResponse
from django.shortcuts import render

LOCKOUT_STATUS = 429


def lockout_message(request) -> str:
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    wait = f"请 {minutes} 分钟后再试" if minutes else "请稍后再试"
    return f"登录失败次数过多，该账号已在本机被临时锁定，{wait}，或联系市经济信息委管理员解锁。"


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login gets: JSON on the API, the Chinese lockout page elsewhere; 429 either way."""
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=LOCKOUT_STATUS)
    return render(request, "registration/locked_out.html", {"message": message}, status=LOCKOUT_STATUS)
