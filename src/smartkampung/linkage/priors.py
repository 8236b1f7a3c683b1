"""Prior m probabilities of each comparison level, for lists too small to train on (EM needs many pairs).

Learnt by EM on the synthetic 100,000-record benchmark list (bench/linkage_dedup.py, seed 7) and
written by `python bench/linkage_dedup.py --write-priors`; u is always measured on the data at hand.
"""

M_PROBABILITIES: dict[tuple[str, str], float] = {
    ('name', 'nama sama persis'): 0.507317,
    ('name', 'nama hampir sama (Jaro-Winkler ≥ 0.95)'): 0.197223,
    ('name', 'semua kata nama pendek ada di nama panjang'): 0.233312,
    ('name', 'nama mirip (Jaro-Winkler ≥ 0.88)'): 0.046118,
    ('name', 'nama berbeda'): 0.01603,
    ('birth_date', 'tanggal lahir sama, NIK sama kecuali nomor urut'): 0.049563,
    ('birth_date', 'tanggal lahir sama'): 0.592882,
    ('birth_date', 'hari dan bulan tertukar'): 0.052211,
    ('birth_date', 'beda satu angka'): 0.106797,
    ('birth_date', 'bulan dan tahun sama'): 0.000577,
    ('birth_date', 'tahun beda ≤ 1'): 0.017178,
    ('birth_date', 'tanggal lahir berbeda'): 0.180791,
    ('sex', 'jenis kelamin sama'): 0.999949,
    ('sex', 'jenis kelamin berbeda'): 0.01,
    ('nik', 'NIK sama'): 0.482528,
    ('nik', 'NIK beda 1-2 angka di bagian tanggal (salah ketik)'): 0.104956,
    ('nik', 'NIK berbeda'): 0.412516,
    ('kk', 'KK sama, tanggal lahir berbeda (anggota keluarga?)'): 0.02,
    ('kk', 'KK tidak membedakan'): 0.98,
    ('village', 'desa sama'): 0.753051,
    ('village', 'kecamatan sama'): 0.01231,
    ('village', 'desa berbeda (pindah?)'): 0.234639,
    ('address', 'alamat dan RT/RW sama'): 0.760586,
    ('address', 'alamat mirip'): 0.016067,
    ('address', 'RT/RW sama'): 0.002745,
    ('address', 'alamat berbeda'): 0.221487,
}
