"""The real programmes Banyuwangi's residents receive, as seed data (shared/design/DOMAIN.md).

Amounts are the public ones; rules are defaults an analyst is expected to review (DOMAIN.md marks the
desil cut-offs of most programmes as uncertain). Loading is idempotent: a programme that exists keeps the
rule and amounts an analyst has since changed.
"""

from __future__ import annotations

PROGRAMMES = [
    {
        "code": "PKH", "name": "Program Keluarga Harapan", "agency": "Kementerian Sosial", "level": "national",
        "unit": "household", "benefit_kind": "cash", "amount": 0, "period": "year",
        "description": "Bantuan tunai bersyarat untuk keluarga miskin dengan ibu hamil/nifas, anak usia dini, anak sekolah, penyandang disabilitas berat atau lansia.",
        "source_note": "Komponen dan nilai: Kemensos (DOMAIN.md, Programmes)",
        "rule_text": "desil <= 4 and (pregnant or age <= 18 or severe_disability or age >= 60)",
        "components": [
            ("hamil", "Ibu hamil/nifas", 3_000_000), ("anak_usia_dini", "Anak usia 0-6 tahun", 3_000_000),
            ("sd", "Anak SD/sederajat", 900_000), ("smp", "Anak SMP/sederajat", 1_500_000), ("sma", "Anak SMA/sederajat", 2_000_000),
            ("disabilitas_berat", "Penyandang disabilitas berat", 2_400_000), ("lansia", "Lanjut usia", 2_400_000),
        ],
    },
    {
        "code": "BPNT", "name": "Bantuan Pangan Non Tunai / Program Sembako", "agency": "Kementerian Sosial", "level": "national",
        "unit": "household", "benefit_kind": "in_kind", "amount": 200_000, "period": "month",
        "description": "Rp200.000 per bulan ke kartu KKS, dibelanjakan di e-warong; disalurkan per triwulan.",
        "source_note": "DOMAIN.md, Programmes", "rule_text": "desil <= 3",
    },
    {
        "code": "BST", "name": "Bantuan Sosial Tunai (pandemi)", "agency": "Kementerian Sosial", "level": "national",
        "unit": "household", "benefit_kind": "cash", "amount": 300_000, "period": "month", "active": False,
        "description": "Rp600.000/bulan April-Juni 2020; Rp300.000/bulan pada 2021. Program telah berakhir.",
        "source_note": "DOMAIN.md, Programmes", "rule_text": "desil <= 5 and not receives(\"PKH\") and not receives(\"BPNT\")",
    },
    {
        "code": "BLT_DD", "name": "BLT Dana Desa", "agency": "Pemerintah Desa (Kemendes PDTT)", "level": "village",
        "unit": "household", "benefit_kind": "cash", "amount": 300_000, "period": "month",
        "description": "Bantuan langsung tunai dari dana desa; bukan untuk penerima PKH, BPNT atau Prakerja.",
        "source_note": "Rp600.000 (2020), kemudian Rp300.000 [U] (DOMAIN.md)", "rule_text": "desil <= 2",
        "excludes": ["PKH", "BPNT"],
    },
    {
        "code": "PBI_JKN", "name": "Penerima Bantuan Iuran JKN", "agency": "Kementerian Sosial / BPJS Kesehatan", "level": "national",
        "unit": "person", "benefit_kind": "service", "amount": 42_000, "period": "month",
        "description": "Iuran BPJS Kesehatan kelas III dibayar negara.",
        "source_note": "Rp42.000/bulan sejak Juli 2020 [U] (DOMAIN.md)", "rule_text": "desil <= 4",
    },
    {
        "code": "RTLH", "name": "Rehabilitasi Rumah Tidak Layak Huni (BSPS)", "agency": "Kementerian PUPR / Dinas Perkim", "level": "national",
        "unit": "household", "benefit_kind": "in_kind", "amount": 20_000_000, "period": "once",
        "description": "Bantuan bedah rumah Rp20 juta per rumah bagi keluarga miskin dengan rumah tidak layak huni.",
        "source_note": "DOMAIN.md, Programmes", "rule_text": "desil <= 4 and house_condition == \"tidak_layak\"",
        "quota_per_kecamatan": 40,
    },
    {
        "code": "RANTANG_KASIH", "name": "Rantang Kasih", "agency": "Dinas Sosial Kabupaten Banyuwangi", "level": "regency",
        "unit": "person", "benefit_kind": "in_kind", "amount": 12_000, "period": "day",
        "description": "Makanan bergizi setiap hari dari warung terdekat bagi lansia miskin yang hidup sebatang kara.",
        "source_note": "sekitar Rp12.000 per porsi (2018) [U] (DOMAIN.md)", "rule_text": "age >= 60 and lives_alone and desil <= 2",
    },
]
