"""Shared page helpers."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .errors import DomainError
from .scoping import area_scope


def staff_page(view):
    """Logged-in staff with a role only; a DomainError becomes a page with its message and status."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not area_scope(request.user).is_staff:
            return render(request, "core/error.html", {"message": _("Akun Anda belum memiliki peran di wilayah mana pun.")}, status=403)
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(request, "core/error.html", {"message": error.message, "code": error.code}, status=error.http_status)

    return wrapper


def registry_page(view):
    """A staff page over residents' data: only roles that read the registry (REGISTRY_READ_ROLES) open it."""

    @staff_page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        scope = area_scope(request.user)
        if not (scope.read_all or scope.read_village_ids):
            return render(request, "core/error.html", {"message": _("Peran Anda tidak membuka data penduduk.")}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def portal(request):
    """The public home page: every service a citizen can use, without logging in."""
    from .navigation import PUBLIC_LINKS

    return render(request, "core/portal.html", {"services": PUBLIC_LINKS})


def home(request):
    """"/": staff to their first page, everyone else to the portal."""
    from .navigation import landing_url

    if not request.user.is_authenticated:
        return redirect("portal")
    return redirect(landing_url(request.user))


class LoginView(auth_views.LoginView):
    """Django's login; without a `next`, each user goes straight to their own first page."""

    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        from .navigation import landing_url

        return landing_url(self.request.user)


def refusal_page(template: str = "core/error.html"):
    """For pages anyone may open: a DomainError (not found, forbidden, bad input) becomes `template`
    with its message, code and HTTP status. Each app passes its own error template."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except DomainError as error:
                return render(request, template, {"message": error.message, "code": error.code}, status=error.http_status)

        return wrapper

    return decorate
