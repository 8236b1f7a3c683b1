from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class AreaOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    postal_code: str = ""


class CountsOut(Schema):
    people_alive: int
    people_deceased: int
    male: int
    female: int
    aged_60_plus: int
    households: int
    elderly_alone: int
    house_not_fit: int
    desil: dict[int, int]


class AreaChildOut(Schema):
    area: AreaOut
    counts: CountsOut


class AreaSummaryOut(Schema):
    area: AreaOut
    counts: CountsOut
    children: list[AreaChildOut]


class PersonOut(Schema):
    id: int
    nik: str
    name: str
    sex: str
    birth_place: str
    birth_date: dt.date
    date_of_death: dt.date | None
    village_code: str
    village: str
    kecamatan: str


class MembershipOut(Schema):
    household_id: int
    kk_number: str
    relationship: str
    start_date: dt.date
    end_date: dt.date | None


class PersonDetailOut(PersonOut):
    religion: str
    marital_status: str
    education: str
    occupation: str
    disability: str
    disability_severe: bool
    phone: str
    household: MembershipOut | None
    history: list[MembershipOut]


class MemberOut(Schema):
    person_id: int
    nik: str
    name: str
    sex: str
    birth_date: dt.date
    relationship: str
    start_date: dt.date


class HouseholdOut(Schema):
    id: int
    kk_number: str
    kk_issued_on: dt.date
    head_id: int | None
    village_code: str
    village: str
    dusun: str
    rw: str
    rt: str
    street: str
    latitude: float | None
    longitude: float | None
    desil: int | None
    house_condition: str
    dissolved_on: dt.date | None
    members: list[MemberOut]


class HouseholdIn(Schema):
    kk_number: str = Field(..., examples=["3510072005180001"])
    village_code: str
    rw: str
    rt: str
    dusun: str = ""
    street: str = ""
    latitude: float | None = None
    longitude: float | None = None
    desil: int | None = None
    house_condition: str = "layak"


class HouseholdPatch(Schema):
    dusun: str | None = None
    rw: str | None = None
    rt: str | None = None
    street: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    desil: int | None = None
    house_condition: str | None = None


class PersonIn(Schema):
    nik: str
    name: str
    sex: str = Field(..., description="M or F")
    birth_date: dt.date
    relationship: str
    birth_place: str = ""
    religion: str = "islam"
    marital_status: str = "belum_kawin"
    education: str = "tidak_sekolah"
    occupation: str = ""
    disability: str = "none"
    disability_severe: bool = False
    phone: str = ""
    start_date: dt.date | None = None


class BirthIn(Schema):
    nik: str
    name: str
    sex: str
    birth_date: dt.date
    birth_place: str = ""
    religion: str = "islam"
    relationship: str = "anak"


class PersonPatch(Schema):
    name: str | None = None
    birth_place: str | None = None
    religion: str | None = None
    marital_status: str | None = None
    education: str | None = None
    occupation: str | None = None
    disability: str | None = None
    disability_severe: bool | None = None
    phone: str | None = None


class DeathIn(Schema):
    date_of_death: dt.date


class MoveIn(Schema):
    to_household_id: int
    relationship: str
    moved_on: dt.date


class HouseholdMoveIn(Schema):
    village_code: str
    rw: str
    rt: str
    moved_on: dt.date
    dusun: str = ""
    street: str = ""
    latitude: float | None = None
    longitude: float | None = None
    new_kk_number: str = ""


class SplitIn(Schema):
    member_ids: list[int]
    head_id: int
    kk_number: str
    split_on: dt.date
    village_code: str | None = None
    rw: str | None = None
    rt: str | None = None
    dusun: str | None = None
    street: str | None = None


class KkReissueIn(Schema):
    kk_number: str
    reason: str
    new_head_id: int | None = None
