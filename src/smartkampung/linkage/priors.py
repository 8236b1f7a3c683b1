"""Prior m probabilities of each comparison level, for lists too small to train on (EM needs many pairs).

Learnt by EM on the synthetic 100,000-record benchmark list (bench/linkage_dedup.py, seed 7) and
written by `python bench/linkage_dedup.py --write-priors`; u is always measured on the data at hand.
"""

M_PROBABILITIES: dict[tuple[str, str], float] = {
    ('name', 'nama sama persis'): 0.446252,
    ('name', 'nama inti sama, kata depan berbeda'): 0.0125655,
    ('name', 'nama hampir sama (Jaro-Winkler ≥ 0.95)'): 0.213895,
    ('name', 'semua kata nama pendek ada di nama panjang'): 0.266453,
    ('name', 'nama beda 1-2 huruf (salah ketik)'): 0.0607969,
    ('name', 'nama mirip (Jaro-Winkler ≥ 0.88)'): 0.00833333,
    ('name', 'nama berbeda'): 7.49846e-05,
    ('birth_date', 'tanggal lahir sama'): 0.80876,
    ('birth_date', 'tanggal lahir berbeda, NIK masing-masing sesuai tanggalnya'): 0.001,
    ('birth_date', 'hari dan bulan tertukar'): 0.0651861,
    ('birth_date', 'beda satu angka'): 0.125231,
    ('birth_date', 'bulan dan tahun sama'): 0.00833333,
    ('birth_date', 'tahun beda ≤ 1'): 0.000822538,
    ('birth_date', 'tanggal lahir berbeda'): 0.00833333,
    ('sex', 'jenis kelamin sama'): 1.0,
    ('sex', 'jenis kelamin berbeda'): 0.01,
    ('nik', 'NIK kosong/tidak sah'): 0.208481,
    ('nik', 'NIK sama'): 0.257069,
    ('nik', 'NIK beda 1-2 angka di bagian tanggal (salah ketik)'): 0.137516,
    ('nik', 'NIK beda 1 angka di kode kabupaten (salah ketik)'): 0.0577154,
    ('nik', 'NIK berbeda, kecamatan penerbit sama'): 0.233214,
    ('nik', 'NIK berbeda'): 0.106004,
    ('kk', 'KK sama, tanggal lahir berbeda (anggota keluarga?)'): 0.02,
    ('kk', 'NIK yang satu adalah KK yang lain, tanggal lahir sama'): 0.02,
    ('kk', 'KK tidak membedakan'): 0.96,
    ('village', 'desa sama'): 0.721897,
    ('village', 'kecamatan sama'): 0.00923172,
    ('village', 'desa berbeda'): 0.01,
    ('village', 'desa berbeda, KK kosong (pindah?)'): 0.268872,
    ('address', 'alamat dan RT/RW sama'): 0.726534,
    ('address', 'alamat mirip'): 0.0176326,
    ('address', 'alamat sama, urutan kata lain'): 0.0125,
    ('address', 'RT/RW sama'): 0.00326976,
    ('address', 'alamat berbeda'): 0.252752,
}
