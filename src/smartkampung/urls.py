from importlib import import_module

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .api import api
from .core import views as core_views

# The admin modules (see SimpleAdminConfig in settings): Django's users and groups, then ours.
for _module in ("django.contrib.auth.admin", "smartkampung.core.admin", "smartkampung.registry.admin",
                "smartkampung.programmes.admin", "smartkampung.synth.admin",
                *(f"smartkampung.{app}.admin" for app in ("cases", "cekbansos", "linkage", "meals", "isolation",
                                                          "publicservices", "market", "festival"))):
    import_module(_module)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("warga/", core_views.portal, name="portal"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("smartkampung.registry.urls")),
    path("", include("smartkampung.programmes.urls")),
    path("", include("smartkampung.programmes.map_urls")),
    # Each app's urls.py owns its own prefix: cases/ and open311/v2/, cekbansos/, linkage/, meals/,
    # isolasi/, layanan/ and verify/, mall/, festival/.
    *(path("", include(f"smartkampung.{app}.urls")) for app in ("cases", "cekbansos", "linkage", "meals", "isolation",
                                                                "publicservices", "market", "festival")),
]
