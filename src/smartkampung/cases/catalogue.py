"""The states and categories a deployment starts with (loaded by `case_categories_load`, kept as data).

Deadlines follow SP4N-LAPOR (Permenpan-RB 62/2018 on the national complaints system): forward within 3
working days, follow up within 5 working days, close 10 working days after a follow-up with no reply.
Questions are Open311 service-definition attributes (datatype string|number|datetime|text|
singlevaluelist|multivaluelist).
"""

from __future__ import annotations

# code, name (id), name (en), is_open, Open311 status, FixMyStreet extended status
STATES = (
    ("new", "Baru", "New", True, "open", "open"),
    ("acknowledged", "Diterima", "Acknowledged", True, "open", "action_scheduled"),
    ("in_progress", "Dikerjakan", "In progress", True, "open", "in_progress"),
    ("resolved", "Selesai ditindaklanjuti", "Resolved", False, "closed", "fixed"),
    ("rejected", "Tidak terbukti", "Not confirmed", False, "closed", "no_further_action"),
    ("referred", "Dirujuk", "Referred", False, "closed", "internal_referral"),
    ("closed", "Ditutup", "Closed", False, "closed", "closed"),
)
OPEN_STATES = tuple(code for code, _n, _e, is_open, _s, _f in STATES if is_open)

_YES_NO = [{"key": "ya", "name": "Ya"}, {"key": "tidak", "name": "Tidak"}]

CATEGORIES = (
    {
        "code": "chips", "order": 1, "group": "Kesehatan", "public": True, "always_confidential": True,
        "name": "CHIPs / Primadona Kami: warga miskin sakit", "name_en": "CHIPs / Primadona Kami: sick poor resident",
        "description": "Warga miskin yang sakit dan tidak bisa ke Puskesmas. Relawan CHIPs dan dokter Puskesmas datang ke rumah.",
        "keywords": "sakit,miskin,puskesmas,dokter,kunjungan rumah", "team_kind": "puskesmas", "respond_days": 1, "resolve_days": 3,
        "questions": [
            {"code": "condition", "datatype": "singlevaluelist", "required": True, "order": 1,
             "description": "Keadaan orang yang sakit", "datatype_description": "Pilih satu",
             "values": [{"key": "bedridden", "name": "Terbaring, tidak bisa bangun"}, {"key": "cannot_travel", "name": "Sakit, tidak bisa ke Puskesmas"},
                        {"key": "needs_medicine", "name": "Butuh obat rutin"}, {"key": "other", "name": "Lainnya"}]},
            {"code": "patient_age", "datatype": "number", "required": False, "order": 2, "description": "Perkiraan umur (tahun)", "datatype_description": "Angka"},
        ],
    },
    {
        "code": "barisan_siap", "order": 2, "group": "Keamanan dan ketertiban", "public": True,
        "name": "Barisan Siap: pengaduan masyarakat", "name_en": "Barisan Siap: public complaint",
        "description": "Pengaduan kepada Bhabinkamtibmas desa: keamanan, ketertiban, perselisihan, masalah sosial.",
        "keywords": "polisi,bhabinkamtibmas,keamanan,ketertiban", "team_kind": "bhabinkamtibmas",
        "questions": [
            {"code": "complaint_kind", "datatype": "singlevaluelist", "required": True, "order": 1,
             "description": "Jenis pengaduan", "datatype_description": "Pilih satu",
             "values": [{"key": "security", "name": "Keamanan"}, {"key": "order", "name": "Ketertiban"}, {"key": "dispute", "name": "Perselisihan warga"},
                        {"key": "traffic", "name": "Lalu lintas"}, {"key": "social", "name": "Masalah sosial"}, {"key": "other", "name": "Lainnya"}]},
        ],
    },
    {
        "code": "high_risk_pregnancy", "order": 3, "group": "Kesehatan", "public": True, "always_confidential": True,
        "name": "Ibu hamil risiko tinggi (rumah singgah)", "name_en": "High-risk pregnancy (transit house)",
        "description": "Ibu hamil risiko tinggi yang perlu tinggal di rumah singgah sebelum hari perkiraan lahir.",
        "keywords": "hamil,bumil,risti,rumah singgah,persalinan", "team_kind": "puskesmas", "support_team_kind": "bhabinkamtibmas",
        "respond_days": 1, "resolve_days": 3,
        "questions": [
            {"code": "due_date", "datatype": "datetime", "required": True, "order": 1, "description": "Hari perkiraan lahir (HPL)", "datatype_description": "Tanggal, YYYY-MM-DD"},
            {"code": "risk_factor", "datatype": "singlevaluelist", "required": False, "order": 2, "description": "Faktor risiko", "datatype_description": "Pilih satu",
             "values": [{"key": "age", "name": "Umur < 20 atau > 35"}, {"key": "hypertension", "name": "Tekanan darah tinggi"},
                        {"key": "distance", "name": "Rumah jauh dari fasilitas persalinan"}, {"key": "history", "name": "Riwayat persalinan sulit"},
                        {"key": "other", "name": "Lainnya"}]},
        ],
    },
    {
        "code": "usul", "order": 10, "group": "Bantuan sosial", "team_kind": "village_government", "support_team_kind": "dinsos",
        "name": "Usul: warga layak belum menerima bansos", "name_en": "Usul: eligible resident missing aid",
        "description": "Dari Cek Bansos: kunjungan verifikasi oleh desa.", "keywords": "bansos,usul,cek bansos",
    },
    {
        "code": "sanggah", "order": 11, "group": "Bantuan sosial", "team_kind": "village_government", "support_team_kind": "dinsos",
        "name": "Sanggah: penerima bansos tidak layak", "name_en": "Sanggah: objection to an aid recipient",
        "description": "Dari Cek Bansos: verifikasi oleh desa.", "keywords": "bansos,sanggah,cek bansos",
    },
    {
        "code": "rtlh", "order": 4, "group": "Perumahan", "public": True, "team_kind": "housing", "support_team_kind": "village_government",
        "name": "Rumah tidak layak huni (RTLH)", "name_en": "House in bad condition (RTLH)",
        "description": "Rumah dengan atap, dinding atau lantai rusak, tanpa jamban atau air bersih.", "keywords": "rumah,rtlh,bedah rumah",
        "resolve_days": 10,
        "questions": [
            {"code": "damage", "datatype": "multivaluelist", "required": True, "order": 1, "description": "Bagian yang rusak", "datatype_description": "Pilih satu atau lebih",
             "values": [{"key": "roof", "name": "Atap"}, {"key": "wall", "name": "Dinding"}, {"key": "floor", "name": "Lantai tanah"},
                        {"key": "toilet", "name": "Tidak ada jamban"}, {"key": "water", "name": "Tidak ada air bersih"}]},
            {"code": "owns_land", "datatype": "singlevaluelist", "required": False, "order": 2, "description": "Penghuni memiliki tanahnya", "datatype_description": "Ya/tidak", "values": _YES_NO},
        ],
    },
    {
        "code": "welfare_check", "order": 12, "group": "Rantang Kasih", "team_kind": "village_government", "support_team_kind": "puskesmas",
        "name": "Cek keadaan penerima Rantang Kasih", "name_en": "Welfare check (missed Rantang Kasih deliveries)",
        "description": "Antaran makanan tidak diterima: desa dan Puskesmas memeriksa keadaan lansia.", "keywords": "rantang kasih,lansia",
        "respond_days": 1, "resolve_days": 2,
    },
    {
        "code": "isolation_alert", "order": 13, "group": "Kesehatan", "team_kind": "puskesmas", "always_confidential": True,
        "name": "Peringatan pemantauan isolasi", "name_en": "Isolation monitoring alert",
        "description": "Pemeriksaan harian terlewat atau gejala memburuk.", "keywords": "isolasi", "respond_days": 1, "resolve_days": 1,
    },
    {
        "code": "poverty_visit", "order": 14, "group": "Layanan desa", "team_kind": "village_government",
        "name": "Kunjungan rumah untuk SKTM", "name_en": "Home visit before a poverty letter (SKTM)",
        "description": "Desa memastikan keadaan rumah tangga sebelum menerbitkan SKTM.", "keywords": "sktm,surat",
    },
    {
        "code": "general", "order": 5, "group": "Umum", "public": True, "team_kind": "village_government",
        "name": "Pengaduan umum", "name_en": "General complaint",
        "description": "Pengaduan lain tentang layanan publik di desa.", "keywords": "pengaduan,umum",
    },
)

# Teams seeded per area kind: (team kind, area kind it is made for, name pattern)
TEAM_PLAN = (
    ("puskesmas", "kecamatan", "Puskesmas {name}"),
    ("kecamatan", "kecamatan", "Kecamatan {name}"),
    ("bhabinkamtibmas", "village", "Bhabinkamtibmas {name}"),
    ("village_government", "village", "Pemerintah {kind} {name}"),
    ("dinsos", "kabupaten", "Dinas Sosial Kabupaten Banyuwangi"),
    ("housing", "kabupaten", "Dinas Perumahan dan Permukiman Kabupaten Banyuwangi"),
)

# Staff roles whose holders join the team of that kind over the same area (so a deployment's users land in
# their team without a second list to keep).
ROLE_TEAM_KINDS = {
    "puskesmas_staff": "puskesmas",
    "bhabinkamtibmas": "bhabinkamtibmas",
    "village_operator": "village_government",
    "village_head": "village_government",
    "dinsos_analyst": "dinsos",
    "kecamatan_staff": "kecamatan",
}
