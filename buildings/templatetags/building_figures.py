"""Number formats of the building pages. The zh-hans locale groups no thousands, so areas like 2163520
are hard to read; these filters group by thousands with a comma, as the commission's reports do."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def area(value, places=2):
    """12000.5 → "12,000.50"; ``|area:0`` → "12,001"; empty → "—"."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number:,.{int(places)}f}"


@register.filter
def percent(value):
    """A rate already in percent, one place: 54.71 → "54.7%"; empty → "—"."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number:.1f}%"
