"""Prior m probabilities of each comparison level, for lists too small to train on (EM needs many pairs).

Learnt by EM on the synthetic 100,000-record benchmark list (bench/linkage_dedup.py, seed 7) and
written by `python bench/linkage_dedup.py --write-priors`; u is always measured on the data at hand.
"""

M_PROBABILITIES: dict[tuple[str, str], float] = {
    ('name', 'nama sama persis'): 0.506588,
    ('name', 'nama hampir sama (Jaro-Winkler ≥ 0.95)'): 0.196735,
    ('name', 'semua kata nama pendek ada di nama panjang'): 0.232882,
    ('name', 'nama mirip (Jaro-Winkler ≥ 0.88)'): 0.045999,
    ('name', 'nama berbeda'): 0.017795,
    ('birth_date', 'tanggal lahir sama, NIK sama kecuali nomor urut'): 0.530451,
    ('birth_date', 'tanggal lahir sama'): 0.427742,
    ('birth_date', 'hari dan bulan tertukar'): 0.052739,
    ('birth_date', 'beda satu angka'): 0.103005,
    ('birth_date', 'bulan dan tahun sama'): 0.000289,
    ('birth_date', 'tahun beda ≤ 1'): 0.00914,
    ('birth_date', 'tanggal lahir berbeda'): 0.090505,
    ('sex', 'jenis kelamin sama'): 0.999949,
    ('sex', 'jenis kelamin berbeda'): 0.01,
    ('nik', 'NIK sama'): 0.482535,
    ('nik', 'NIK beda 1-2 angka di bagian tanggal (salah ketik)'): 0.104958,
    ('nik', 'NIK berbeda'): 0.412507,
    ('kk', 'KK sama, tanggal lahir berbeda (anggota keluarga?)'): 0.02,
    ('kk', 'KK tidak membedakan'): 0.98,
    ('village', 'desa sama'): 0.750925,
    ('village', 'kecamatan sama'): 0.012739,
    ('village', 'desa berbeda (pindah?)'): 0.236336,
    ('address', 'alamat dan RT/RW sama'): 0.756198,
    ('address', 'alamat mirip'): 0.016049,
    ('address', 'RT/RW sama'): 0.002814,
    ('address', 'alamat berbeda'): 0.225625,
}
