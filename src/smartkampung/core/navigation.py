"""Who sees which links: the site's navigation as data, by role, and where each user lands after login.

One table, so that a new page is one row here and not an edit of every template."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .scoping import area_scope

ANALYSTS = frozenset({Role.REGENCY_ADMIN, Role.DINSOS_ANALYST})


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    # Who sees it: "registry" = roles that read residents; a set of roles; "public" = everybody.
    audience: str | frozenset


STAFF_LINKS = (
    Link(_("Penduduk"), "registry:search", "registry"),
    Link(_("Program"), "programmes:catalogue", "registry"),
    Link(_("Penargetan"), "programmes:runs", "registry"),
    Link(_("Peta"), "programmes_map:map", "registry"),
    Link(_("Dasbor"), "programmes_map:dashboard", "registry"),
    Link(_("Kasus"), "cases:queue", "registry"),
    Link(_("Cek Bansos"), "cekbansos:staff_list", "registry"),
    Link(_("Pencocokan data"), "linkage:index", ANALYSTS),
    Link(_("Rantang Kasih"), "meals:home", "registry"),
    Link(_("Isolasi"), "isolation:dashboard", "registry"),
    Link(_("Surat desa"), "publicservices:staff_letters", "registry"),
    Link(_("Mal Pelayanan Publik"), "publicservices:staff_home", frozenset({Role.SERVICE_MALL_STAFF, Role.REGENCY_ADMIN})),
    Link(_("Banyuwangi Mall"), "market:office_home", frozenset({Role.COOPERATIVES_OFFICE, Role.REGENCY_ADMIN})),
    Link(_("Festival"), "festival:staff_programme", frozenset({Role.TOURISM_OFFICE, Role.REGENCY_ADMIN})),
)

# The citizens' services, on the portal (the home page) and in the navigation of anyone without a role.
PUBLIC_LINKS = (
    Link(_("Cek Bansos"), "cekbansos:check", "public"),
    Link(_("Lapor"), "cases:report", "public"),
    Link(_("Layanan & surat"), "publicservices:catalogue", "public"),
    Link(_("Rumah isolasi"), "isolation:reserve", "public"),
    Link(_("Banyuwangi Mall"), "market:shop", "public"),
    Link(_("Festival"), "festival:list", "public"),
)


# Accounts without a staff role that belong to an app: (the reverse one-to-one on the user, its link).
ACCOUNT_LINKS = (
    ("meals_provider", Link(_("Rute hari ini"), "meals:provider_today", "account")),
    ("mall_seller", Link(_("Toko saya"), "market:seller_home", "account")),
)


def _account_links(user) -> list[Link]:
    return [link for attribute, link in ACCOUNT_LINKS if hasattr(user, attribute)]


def _sees(link: Link, *, reads_registry: bool, roles: frozenset) -> bool:
    if link.audience == "public":
        return True
    if link.audience == "registry":
        return reads_registry
    return bool(link.audience & roles)


def links_for(user) -> list[tuple[str, str]]:
    scope = area_scope(user)
    roles = frozenset(scope.roles)
    if not scope.is_staff:
        own = _account_links(user) if user.is_authenticated else []
        return [(str(link.label), reverse(link.url_name)) for link in (*own, *PUBLIC_LINKS)]
    reads_registry = scope.read_all or bool(scope.read_village_ids)
    return [(str(link.label), reverse(link.url_name)) for link in STAFF_LINKS if _sees(link, reads_registry=reads_registry, roles=roles)]


def landing_url(user) -> str:
    """Where a user starts: staff at their first page, a warung's rider at today's round, a seller at
    the shop, other citizens at the portal."""
    if not user.is_authenticated:
        return reverse("portal")
    if area_scope(user).is_staff:
        return links_for(user)[0][1]
    own = _account_links(user)
    return reverse(own[0].url_name) if own else reverse("portal")


def navigation(request) -> dict:
    """Context processor: the links of the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [(str(link.label), reverse(link.url_name)) for link in PUBLIC_LINKS]}
    return {"nav_links": links_for(user)}
