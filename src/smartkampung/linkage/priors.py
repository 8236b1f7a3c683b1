"""Prior m probabilities of each comparison level, for lists too small to train on (EM needs many pairs).

Learnt by EM on the synthetic 100,000-record benchmark list (bench/linkage_dedup.py, seed 7) and
written by `python bench/linkage_dedup.py --write-priors`; u is always measured on the data at hand.
"""

M_PROBABILITIES: dict[tuple[str, str], float] = {
    ('name', 'nama sama persis'): 0.446233,
    ('name', 'nama hampir sama (Jaro-Winkler ≥ 0.95)'): 0.226442,
    ('name', 'semua kata nama pendek ada di nama panjang'): 0.266437,
    ('name', 'nama beda 1-2 huruf (salah ketik)'): 0.059763,
    ('name', 'nama mirip (Jaro-Winkler ≥ 0.88)'): 0.000342,
    ('name', 'nama berbeda'): 0.001907,
    ('birth_date', 'tanggal lahir sama'): 0.80876,
    ('birth_date', 'tanggal lahir berbeda, NIK masing-masing sesuai tanggalnya'): 0.001,
    ('birth_date', 'hari dan bulan tertukar'): 0.065186,
    ('birth_date', 'beda satu angka'): 0.125231,
    ('birth_date', 'bulan dan tahun sama'): 0.008333,
    ('birth_date', 'tahun beda ≤ 1'): 0.000823,
    ('birth_date', 'tanggal lahir berbeda'): 0.008333,
    ('sex', 'jenis kelamin sama'): 1.0,
    ('sex', 'jenis kelamin berbeda'): 0.01,
    ('nik', 'NIK sama'): 0.32478,
    ('nik', 'NIK beda 1-2 angka di bagian tanggal (salah ketik)'): 0.173737,
    ('nik', 'NIK beda 1 angka di kode kabupaten (salah ketik)'): 0.072917,
    ('nik', 'NIK berbeda, kecamatan penerbit sama'): 0.294642,
    ('nik', 'NIK berbeda'): 0.133924,
    ('kk', 'KK sama, tanggal lahir berbeda (anggota keluarga?)'): 0.02,
    ('kk', 'NIK yang satu adalah KK yang lain, tanggal lahir sama'): 0.02,
    ('kk', 'KK tidak membedakan'): 0.96,
    ('village', 'desa sama'): 0.721853,
    ('village', 'kecamatan sama'): 0.00919,
    ('village', 'desa berbeda (pindah?)'): 0.268957,
    ('address', 'alamat dan RT/RW sama'): 0.726446,
    ('address', 'alamat mirip'): 0.01763,
    ('address', 'RT/RW sama'): 0.003269,
    ('address', 'alamat berbeda'): 0.252842,
}
