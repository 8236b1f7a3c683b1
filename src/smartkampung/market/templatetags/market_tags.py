"""Rupiah amounts as Indonesians write them: Rp125.000 (dots between thousands, no sen)."""

from django import template

register = template.Library()


@register.filter
def rupiah(value) -> str:
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


@register.filter
def grams(value) -> str:
    try:
        weight = int(value)
    except (TypeError, ValueError):
        return ""
    if weight >= 1000:
        return f"{weight / 1000:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " kg"
    return f"{weight} g"
