"""The demo logins: one per role, over real Banyuwangi areas. Public passwords: never in production."""

from __future__ import annotations

from dataclasses import dataclass

from .audit import Actor
from .errors import DomainError
from .models import Area, Role
from .services import user_with_role_create


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    area_codes: tuple[str, ...]
    full_name: str

    @property
    def password(self) -> str:
        return f"demo-{self.username}"


DEMO_LOGINS = (
    DemoLogin("admin.kabupaten", Role.REGENCY_ADMIN, ("35.10",), "Admin Kabupaten"),
    DemoLogin("analis.dinsos", Role.DINSOS_ANALYST, ("35.10",), "Analis Dinas Sosial"),
    DemoLogin("staf.genteng", Role.KECAMATAN_STAFF, ("35.10.09",), "Staf Kecamatan Genteng"),
    DemoLogin("operator.kemiren", Role.VILLAGE_OPERATOR, ("35.10.15.2004",), "Operator Desa Kemiren"),
    DemoLogin("puskesmas.sempu", Role.PUSKESMAS_STAFF, ("35.10.20",), "Petugas Puskesmas Sempu"),
    DemoLogin("bhabin.jambewangi", Role.BHABINKAMTIBMAS, ("35.10.20.2002",), "Bhabinkamtibmas Jambewangi"),
    DemoLogin("kades.kemiren", Role.VILLAGE_HEAD, ("35.10.15.2004",), "Kepala Desa Kemiren"),
    DemoLogin("dinkop.umkm", Role.COOPERATIVES_OFFICE, ("35.10",), "Dinas Koperasi dan UMKM"),
    DemoLogin("dispar.festival", Role.TOURISM_OFFICE, ("35.10",), "Dinas Kebudayaan dan Pariwisata"),
    DemoLogin("petugas.mpp", Role.SERVICE_MALL_STAFF, ("35.10",), "Petugas Mal Pelayanan Publik"),
)


def demo_users_create(*, actor: Actor) -> list[tuple[DemoLogin, Area]]:
    created = []
    for login in DEMO_LOGINS:
        areas = list(Area.objects.filter(code__in=login.area_codes))
        if len(areas) != len(login.area_codes):
            raise DomainError("not_configured", f"The demo areas {login.area_codes} are not loaded: run load_areas for Banyuwangi.", field="areas")
        user_with_role_create(actor=actor, username=login.username, password=login.password, role=login.role, areas=areas, full_name=login.full_name)
        created.append((login, areas[0]))
    return created
