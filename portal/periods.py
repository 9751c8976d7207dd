"""Month periods ("YYYY-MM"), shared by every app that reports by month."""

import re
from datetime import date

from django.core.exceptions import ValidationError

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(value: str) -> date:
    """ "2026-10" → date(2026, 10, 1), or a Chinese ValidationError."""
    match = PERIOD_RE.match((value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError(f"报告期“{value}”格式错误，应为 YYYY-MM，例如 2026-10。")
    return date(int(match.group(1)), int(match.group(2)), 1)


def format_period(period: date) -> str:
    return f"{period:%Y-%m}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(period: date, months: int) -> date:
    index = period.year * 12 + period.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
