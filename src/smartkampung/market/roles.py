"""Who may do what in the mall. The cooperatives office (and the regency admin) sees the whole mall; a
seller sees their own shop; a buyer their own orders. No registry access comes with any of these."""

from __future__ import annotations

from smartkampung.core.models import Role
from smartkampung.core.scoping import area_scope

OFFICE_ROLES = frozenset({Role.COOPERATIVES_OFFICE, Role.REGENCY_ADMIN})


def is_office(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(area_scope(user).roles & OFFICE_ROLES)


def seller_of(user):
    """The user's shop, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from .models import Seller

    return Seller.objects.select_related("village__parent", "category").filter(user=user).first()
