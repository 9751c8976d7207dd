from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def change(value, base):
    """Percentage change from ``base`` to ``value`` as a small coloured label; "—" when not comparable."""
    if value is None or base is None or base == 0:
        return "—"
    pct = (Decimal(value) - Decimal(base)) * 100 / abs(Decimal(base))
    css = "up" if pct > 0 else ("down" if pct < 0 else "flat")
    return format_html('<span class="chg {}">{}{}%</span>', css, "+" if pct > 0 else "", f"{pct:.1f}")


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and filter links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
