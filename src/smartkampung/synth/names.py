"""Name lists for the synthetic Banyuwangi population.

Faker's ``id_ID`` locale mixes in Batak and Minang patterns and knows nothing of East Java, so the
generator draws from these lists instead.  They are plain data: tuples of strings, some of them
``(value, weight)`` pairs.  Nothing here is random; :mod:`smartkampung.synth.population` does the
drawing.

Groups
------
* Javanese and Osing (the majority of Banyuwangi), by birth cohort:
  - ``*_OLDEST``: born before ~1950; old Dutch-era spellings (Soekarno, Djoko, Tjahjono) and single names.
  - ``*_OLD_SINGLE``: the classic single names of people born ~1945-1975 (Slamet, Sutini, Paiman...).
  - ``*_MIDDLE_FIRST`` / ``*_MIDDLE_LAST``: born ~1965-1990 (Agus Salim, Sri Wahyuni, Budi Santoso).
  - ``*_YOUNG_FIRST`` / ``*_YOUNG_MID`` / ``*_YOUNG_LAST``: born ~1985-2005 (Dimas Aditya Pratama).
  - ``*_NEW_FIRST`` / ``*_NEW_LAST``: born after ~2005 (Muhammad Rafa Alfarizi, Aqila Zahra).
* Islamic elements (used across cohorts, with the real spelling variety): ``MUHAMMAD_VARIANTS``,
  ``ISLAMIC_MALE``, ``ISLAMIC_FEMALE``, ``ABDUL_SUFFIXES``.
* Osing and Madurese flavoured single names (Osing villages of Glagah, Kabat, Rogojampi, Songgon...;
  Madurese communities of Wongsorejo, Muncar and Kalipuro).
* Small Balinese (Hindu), Christian and Chinese-Indonesian lists for the minority households.
* Places: ``BIRTH_PLACES_OUTSIDE`` (regency code -> town names), ``DUSUN_NAMES``, ``STREET_NAMES``.
"""

from __future__ import annotations

# fmt: off

# ---------------------------------------------------------------------------------------------
# Islamic elements and their spellings
# ---------------------------------------------------------------------------------------------

# Spellings of "Muhammad" as they appear on KTP/KK, with weights per cohort (old, middle, young).
MUHAMMAD_VARIANTS: tuple[tuple[str, float, float, float], ...] = (
    ("Muhammad", 10, 30, 55),
    ("Moch.", 25, 20, 6),
    ("Moh.", 20, 14, 5),
    ("M.", 14, 16, 14),
    ("Mochammad", 10, 8, 4),
    ("Mohammad", 10, 7, 6),
    ("Muhamad", 6, 5, 8),
    ("Mochamad", 5, 5, 2),
    ("Mukhammad", 0, 1, 2),
)

# Second words after Muhammad / Ahmad / Moch. ...
ISLAMIC_MALE: tuple[str, ...] = (
    "Ali", "Hasan", "Husein", "Umar", "Usman", "Yusuf", "Ibrahim", "Ismail", "Ilyas", "Idris",
    "Sholeh", "Soleh", "Kholil", "Holil", "Khoirul", "Choirul", "Syaiful", "Saiful", "Zainal", "Zainuddin",
    "Nurhadi", "Nuruddin", "Fauzi", "Faisal", "Hidayat", "Taufik", "Lukman", "Ridwan", "Rifai", "Arif",
    "Amin", "Aminuddin", "Anwar", "Syamsul", "Samsul", "Mahfud", "Mahmud", "Mansur", "Masrur", "Mukhlis",
    "Muhlis", "Muslim", "Mustofa", "Mustain", "Nasir", "Nasrullah", "Rohman", "Rahman", "Rosyid", "Rasyid",
    "Shodiq", "Sodik", "Subhan", "Sulaiman", "Syafii", "Syafi'i", "Thoha", "Toha", "Yahya", "Yasin",
    "Zaini", "Zubair", "Zakaria", "Hamdan", "Hanafi", "Hafidz", "Jamal", "Jalaludin", "Khusnul", "Munir",
    "Nizar", "Qomaruddin", "Romli", "Rofiq", "Sahal", "Salim", "Sholihin", "Solikin", "Sujak", "Tohir",
    "Ikhsan", "Ichsan", "Ilham", "Imron", "Irfan", "Iqbal", "Kurniawan", "Bahrul", "Badrus", "Baihaqi",
)

ABDUL_SUFFIXES: tuple[str, ...] = (
    "Rochman", "Rahman", "Rohman", "Karim", "Ghofur", "Gofur", "Latif", "Rohim", "Rahim", "Hamid",
    "Majid", "Aziz", "Wahid", "Kadir", "Qodir", "Malik", "Manan", "Mutholib", "Muthalib", "Rozak",
    "Rosyid", "Salam", "Syukur", "Jalil", "Halim", "Hakim", "Basith", "Ghoni", "Mujib", "Wahab",
)

ISLAMIC_FEMALE: tuple[str, ...] = (
    "Fatimah", "Aisyah", "Khotijah", "Khadijah", "Maimunah", "Masruroh", "Musyarofah", "Mutmainah",
    "Muthmainnah", "Rofiqoh", "Zulaikha", "Zulaikah", "Halimah", "Hasanah", "Aminah", "Maryam", "Mariyam",
    "Romlah", "Rohmah", "Rahmah", "Robiatul", "Rodiyah", "Qomariyah", "Komariyah", "Sholihah", "Solikhah",
    "Nafisah", "Munawaroh", "Mukaromah", "Mahmudah", "Mas'udah", "Jamilah", "Djamilah", "Hamidah",
    "Latifah", "Lathifah", "Umi Kulsum", "Ummi Kalsum", "Zubaidah", "Zaenab", "Zainab", "Hafsah", "Sofiyah",
    "Ulfa", "Ulfatun", "Nikmah", "Ni'mah", "Faridah", "Farida", "Holifah", "Kholifah", "Khoiriyah",
    "Choiriyah", "Badriyah", "Chusnul", "Khusnul Khotimah", "Inayah", "Azizah", "Nadhifah", "Wardah",
)

# Female prefix words with spelling variety.
SITI_VARIANTS: tuple[tuple[str, float, float, float], ...] = (
    ("Siti", 70, 80, 85),
    ("Sitti", 12, 8, 6),
    ("St.", 12, 8, 4),
    ("Sity", 6, 4, 5),
)
NUR_VARIANTS: tuple[tuple[str, float], ...] = (("Nur", 80), ("Noor", 8), ("Nurul", 12))
AHMAD_VARIANTS: tuple[tuple[str, float], ...] = (("Ahmad", 70), ("Achmad", 25), ("Akhmad", 5))

NUR_SUFFIXES_F: tuple[str, ...] = (
    "Aini", "Hasanah", "Hayati", "Cholifah", "Kholifah", "Laili", "Laila", "Azizah", "Fadilah", "Jannah",
    "Hidayah", "Khasanah", "Rohmah", "Sa'adah", "Wahyuni", "Indah", "Lailatul", "Aisyah", "Afifah", "Faizah",
)

# ---------------------------------------------------------------------------------------------
# Javanese / Osing by cohort
# ---------------------------------------------------------------------------------------------

MALE_OLDEST: tuple[str, ...] = (
    "Soekarno", "Djoko", "Tjahjono", "Soeparman", "Soepardi", "Soewarno", "Soedarmo", "Soekardi",
    "Djumadi", "Djuhari", "Tjipto", "Oentoeng", "Soeprapto", "Soetrisno", "Soemadi", "Soenarto",
    "Soekirno", "Soeharto", "Soerjadi", "Djamari", "Djarwo", "Moerdiono", "Koesnadi", "Koesno",
    "Poerwanto", "Kasimin", "Karto", "Kartodikromo", "Sastro", "Wiryo", "Atmo", "Pawiro", "Darmo",
    "Wongso", "Setro", "Kromo", "Resodiharjo", "Marto", "Tjokro", "Samidjan", "Sarwoko",
)

FEMALE_OLDEST: tuple[str, ...] = (
    "Soemarni", "Soetini", "Soeprapti", "Soeminah", "Soekarti", "Soewarni", "Soelastri", "Soemiati",
    "Djamilah", "Djuariah", "Djumiati", "Tjitro", "Tjiptowati", "Roekmini", "Roekiyah", "Moenah",
    "Moeslimah", "Sarinten", "Poniyem", "Painem", "Tukinem", "Sainem", "Ngatinem", "Marsinah",
    "Kasinem", "Tumirah", "Satiyem", "Wagini", "Wakiyem", "Sukinem", "Paijem", "Legiyem", "Ngadinah",
)

MALE_OLD_SINGLE: tuple[str, ...] = (
    "Slamet", "Paiman", "Misnadi", "Sukirno", "Suparman", "Sumadi", "Sanusi", "Parto", "Wagiman",
    "Tukiman", "Samsuri", "Kasiman", "Sunarto", "Supardi", "Sugiono", "Suwarno", "Marsudi", "Ponidi",
    "Jumadi", "Kusnadi", "Riyadi", "Sukardi", "Suyitno", "Sutrisno", "Suparno", "Sahri", "Asmuni",
    "Bunari", "Sarmidi", "Jumhari", "Sahuri", "Misrawi", "Sanali", "Paimo", "Wakidi", "Painun",
    "Mulyono", "Sugeng", "Suwito", "Kasdi", "Karno", "Mujiono", "Ngatemin", "Tumiran", "Ngadimin",
    "Sukidi", "Surip", "Tarmuji", "Wardi", "Sapii", "Sunadi", "Mistar", "Saimun", "Samiran", "Rasimin",
    "Kuswanto", "Wagino", "Sarijo", "Darmaji", "Parmin", "Suyono", "Suradi", "Subari", "Sutaji",
    "Kardi", "Mukri", "Juri", "Sadeli", "Suhadak", "Sahlan", "Matrawi", "Buhari", "Ngadiman", "Tasrip",
    "Saeri", "Sunaryo", "Pardi", "Legimin", "Wagimin", "Sarpan", "Karsono", "Marjuki", "Sukarno",
    "Hadi", "Mujito", "Rusdi", "Rusman", "Sanimun", "Bunasir", "Miskawi", "Jumali", "Senari", "Sapuan",
)

FEMALE_OLD_SINGLE: tuple[str, ...] = (
    "Sumarni", "Sutini", "Juwariyah", "Sumiati", "Tumini", "Sarmi", "Sulastri", "Suwarni", "Rukayah",
    "Katemi", "Sumini", "Tukinah", "Misni", "Sarinah", "Jumaiyah", "Siami", "Mistiyah", "Asiyah",
    "Saniyah", "Musrifah", "Marsiti", "Sukarti", "Sanimah", "Saliyah", "Mistin", "Sukiyah", "Painah",
    "Sunarsih", "Sumiyati", "Suwarti", "Supiyah", "Sulami", "Sri", "Tumiyem", "Kasiyah", "Misnah",
    "Rumiyati", "Wartini", "Suyati", "Jumiatun", "Kustini", "Supini", "Kasmini", "Ngatini", "Sulastini",
    "Misriyah", "Saodah", "Sunami", "Satuni", "Patmi", "Juminten", "Karsini", "Mukarromah", "Rusmini",
    "Sumirah", "Parmi", "Suwaibah", "Tarmini", "Sukemi", "Rubiyah", "Samini", "Suparmi", "Martini",
    "Sumariyah", "Kartini", "Sunarti", "Sutiyah", "Sariyem", "Jumirah", "Sapiyah", "Salamah", "Ponirah",
    "Sarwiyah", "Suliha", "Tumisah", "Bunatin", "Misti", "Sanemah", "Usniyah", "Hatijah", "Supinah",
)

MALE_MIDDLE_FIRST: tuple[str, ...] = (
    "Agus", "Budi", "Eko", "Joko", "Heru", "Bambang", "Hadi", "Sugeng", "Teguh", "Didik", "Nanang",
    "Imam", "Bagus", "Dwi", "Tri", "Hari", "Edi", "Edy", "Hendro", "Wahyu", "Yudi", "Totok", "Anang",
    "Gatot", "Rudi", "Andik", "Puji", "Adi", "Arif", "Dodik", "Sigit", "Slamet", "Sutrisno", "Suhartono",
    "Catur", "Setyo", "Wawan", "Dedy", "Endro", "Aris", "Sony", "Bayu", "Iwan", "Kusno", "Mulyadi",
)

MALE_MIDDLE_LAST: tuple[str, ...] = (
    "Salim", "Santoso", "Prasetyo", "Susanto", "Hariyanto", "Suyanto", "Setiawan", "Wibowo", "Purnomo",
    "Sugiarto", "Hartono", "Kurniawan", "Supriyadi", "Hidayat", "Riyanto", "Mulyono", "Wahyudi",
    "Sulistyo", "Cahyono", "Rahmanto", "Irawan", "Subagyo", "Wijaya", "Nugroho", "Prayitno", "Santosa",
    "Sutanto", "Priyanto", "Harianto", "Suprapto", "Winarno", "Hermawan", "Gunawan", "Setiyono",
    "Efendi", "Effendi", "Syafii", "Kuncoro", "Utomo", "Basuki", "Siswanto", "Widodo", "Haryono",
)

FEMALE_MIDDLE_FIRST: tuple[str, ...] = (
    "Sri", "Endang", "Ninik", "Titik", "Yuli", "Umi", "Endah", "Lilik", "Tutik", "Nanik", "Wiwik",
    "Anik", "Eni", "Dwi", "Tri", "Rini", "Yayuk", "Nurul", "Heni", "Ida", "Erna", "Lina", "Susi", "Dewi",
    "Ani", "Tatik", "Luluk", "Mamik", "Rina", "Emi", "Nining", "Yuni", "Indah", "Retno", "Puji", "Ika",
)

FEMALE_MIDDLE_LAST: tuple[str, ...] = (
    "Wahyuni", "Sulistyowati", "Utami", "Rahayu", "Lestari", "Handayani", "Kurniawati", "Suryani",
    "Winarsih", "Astutik", "Astuti", "Mulyani", "Purwanti", "Setyowati", "Susilowati", "Hariyati",
    "Sumarsih", "Yuliana", "Yulianti", "Wulandari", "Rahmawati", "Hidayati", "Fatmawati", "Ningsih",
    "Suprihatin", "Zubaidah", "Masruroh", "Nurhayati", "Sriwahyuni", "Kusumawati", "Indrawati",
    "Erawati", "Agustina", "Anggraeni", "Safitri", "Ernawati", "Widayati", "Sholikhah", "Khasanah",
)

MALE_YOUNG_FIRST: tuple[str, ...] = (
    "Dimas", "Aditya", "Rizky", "Rizki", "Bayu", "Fajar", "Yoga", "Galih", "Rendra", "Wahyu", "Arya",
    "Reza", "Fikri", "Danang", "Ilham", "Rizal", "Yusuf", "Hendra", "Angga", "Andi", "Agung", "Dani",
    "Dony", "Doni", "Ferry", "Febri", "Hafid", "Ikhsan", "Irfan", "Rahmat", "Rohmat", "Andre", "Bagas",
    "Deni", "Dedi", "Eko", "Dwi", "Tri", "Adi", "Alfian", "Ardiansyah", "Fandi", "Guntur", "Yudha",
    "Satria", "Wisnu", "Krisna", "Nur", "Fahmi", "Rizal", "Candra", "Chandra", "Hendrik", "Hanif",
)

MALE_YOUNG_MID: tuple[str, ...] = (
    "Aditya", "Eka", "Dwi", "Adi", "Nur", "Bagus", "Dian", "Cahya", "Putra", "Ari", "Arif", "Wahyu",
    "Agus", "Ahmad", "Rizky", "Andika", "Yoga", "Bima", "Surya", "Indra", "Bintang", "Fajar", "Tri",
)

MALE_YOUNG_LAST: tuple[str, ...] = (
    "Pratama", "Saputra", "Wijaya", "Kurniawan", "Prasetyo", "Setiawan", "Santoso", "Hidayat", "Nugroho",
    "Firmansyah", "Ramadhan", "Ramadan", "Maulana", "Hakim", "Prayoga", "Permana", "Wibowo", "Susanto",
    "Hermawan", "Syahputra", "Putra", "Cahyono", "Prakoso", "Pamungkas", "Gunawan", "Febrianto",
    "Saifuddin", "Rahmadani", "Hidayatullah", "Kusuma", "Ardiansyah", "Maulidi", "Setiyawan",
    "Wicaksono", "Darmawan", "Iskandar", "Efendi", "Septiawan", "Prabowo", "Akbar", "Fauzi", "Rizaldi",
)

FEMALE_YOUNG_FIRST: tuple[str, ...] = (
    "Putri", "Dewi", "Ayu", "Rina", "Dian", "Fitri", "Indah", "Lina", "Novi", "Wulan", "Anisa", "Nabila",
    "Aulia", "Citra", "Ratna", "Eka", "Dwi", "Tri", "Yuni", "Rini", "Lilis", "Fitria", "Intan", "Laila",
    "Devi", "Desi", "Dina", "Dyah", "Elok", "Erika", "Evi", "Ika", "Ira", "Kiki", "Linda", "Maya",
    "Mega", "Mira", "Nia", "Nita", "Nurul", "Okta", "Rara", "Rika", "Riska", "Risma", "Santi", "Sinta",
    "Siska", "Tika", "Vivi", "Wahyu", "Yeni", "Yunita", "Zahro", "Nur", "Anggi", "Ayuk", "Umi",
)

FEMALE_YOUNG_MID: tuple[str, ...] = (
    "Ayu", "Dwi", "Nur", "Eka", "Tri", "Putri", "Sri", "Dewi", "Indah", "Ratna", "Wahyu", "Kurnia",
    "Diah", "Lestari", "Rahma", "Maulidia", "Fitri", "Nada", "Amalia", "Rizki", "Setya",
)

FEMALE_YOUNG_LAST: tuple[str, ...] = (
    "Lestari", "Wulandari", "Rahmawati", "Safitri", "Puspitasari", "Anggraini", "Kurniasari",
    "Handayani", "Purwanti", "Rahayu", "Oktaviani", "Maharani", "Agustina", "Novitasari", "Fadilah",
    "Azzahra", "Ramadhani", "Kusuma", "Permatasari", "Utami", "Pertiwi", "Febriani", "Susanti",
    "Wahyuningsih", "Setyaningrum", "Kurniawati", "Yuliani", "Indriani", "Nurhaliza", "Mawarni",
    "Sari", "Anjani", "Ningtyas", "Pratiwi", "Rosita", "Damayanti", "Fitriani", "Mardiana", "Amalia",
    "Safira", "Aprilia", "Rizkiyah", "Hidayati", "Maulida", "Khoirunnisa", "Nuraini", "Arifah",
)

MALE_NEW_FIRST: tuple[str, ...] = (
    "Muhammad", "Muhammad", "Muhammad", "M.", "Ahmad", "Rafa", "Rafi", "Azka", "Arkan", "Alvaro",
    "Abyan", "Alif", "Arga", "Raka", "Fathan", "Faris", "Gibran", "Hafiz", "Kenzo", "Naufal", "Rayyan",
    "Satria", "Zidan", "Dafa", "Daffa", "Ilham", "Aditya", "Bima", "Devano", "Farel", "Fahri", "Galang",
    "Reyhan", "Raditya", "Aqil", "Haikal", "Fadil", "Dzaki", "Athar", "Arsyad",
)

MALE_NEW_LAST: tuple[str, ...] = (
    "Alfarizi", "Alfarizqi", "Ramadhan", "Pratama", "Al Fatih", "Maulana", "Arrasyid", "Hidayatullah",
    "Saputra", "Firmansyah", "Rizqullah", "Alvian", "Attaya", "Al Ghifari", "Zulfikar", "Akbar", "Ibrahim",
    "Ardiansyah", "Habibi", "Rafif", "Adinata", "Prasetya", "Nugraha", "Wijaya", "Putra", "Abdillah",
    "Fadhil", "Syahreza", "Hanafi", "Arkana",
)

FEMALE_NEW_FIRST: tuple[str, ...] = (
    "Aqila", "Aisyah", "Azzahra", "Nayla", "Nadia", "Keisha", "Salsabila", "Alya", "Aurel", "Adinda",
    "Cinta", "Zahra", "Khanza", "Naura", "Shakila", "Syifa", "Putri", "Kirana", "Nadhira", "Almira",
    "Hana", "Humaira", "Aira", "Anindya", "Nabila", "Zaskia", "Aulia", "Citra", "Dinda", "Tiara",
    "Siti", "Nur", "Arsyila", "Qiana", "Nafisa", "Kanaya", "Felisha", "Alifa",
)

FEMALE_NEW_LAST: tuple[str, ...] = (
    "Zahra", "Azzahra", "Ramadhani", "Putri", "Nur Azizah", "Maharani", "Khoirunnisa", "Nuraini",
    "Salsabila", "Anindita", "Kirana", "Aulia", "Safitri", "Maulida", "Rahmadani", "Puspita", "Ayu",
    "Febriana", "Hafizah", "Mumtaza", "Az Zahra", "Arumi", "Faradila", "Khairunnisa", "Amira",
    "Qurrota Ayun", "Nafisah", "Syakira", "Ardhani", "Larasati",
)

# Osing single names (Banyuwangi's own), both sexes, older cohorts.
OSING_MALE: tuple[str, ...] = (
    "Sanimin", "Sahlan", "Sapi'i", "Bunali", "Misdi", "Sanawi", "Samsudin", "Sanip", "Sahirun", "Mistawi",
    "Sunarip", "Jumawi", "Supa'i", "Sukarto", "Salimin", "Bu'ang", "Jumari", "Tamsil", "Sanali", "Kasno",
)
OSING_FEMALE: tuple[str, ...] = (
    "Sanemi", "Suhaiyah", "Salimah", "Bunati", "Misnati", "Saniyem", "Jumiyah", "Sumiyah", "Asnawiyah",
    "Supatmi", "Sumarsih", "Mistiah", "Sulimah", "Temu", "Jumilah", "Sunimah", "Satimah", "Kasemi",
)

# Madurese single names / elements (Wongsorejo, Muncar, Kalipuro).
MADURESE_MALE: tuple[str, ...] = (
    "Holil", "Hosnan", "Rasid", "Sahrawi", "Buhari", "Marsuki", "Suhairi", "Hairul", "Fathor Rahman",
    "Matrawi", "Sumarto", "Abd. Rahem", "Jumadi", "Hasyim", "Sukarwi", "Ali Wafa", "Rusdi", "Moh. Saleh",
    "Busiri", "Sahari", "Mat Sahri", "Supandi", "Hamzah", "Mursid", "Atnawi", "Rahwi",
)
MADURESE_FEMALE: tuple[str, ...] = (
    "Holilah", "Hosniyah", "Juhairiyah", "Sukarniyah", "Jumati", "Holifah", "Rohani", "Mistiyah",
    "Sitti Aisyah", "Sitti Maimunah", "Marsiyah", "Suhaimah", "Hatimah", "Busyairoh", "Sunaiyah",
    "Maimuna", "Rahmani", "Atiyah", "Suryani", "Munawaroh", "Hamidah", "Muzayyanah",
)

# ---------------------------------------------------------------------------------------------
# Minorities (households of these religions draw from these lists)
# ---------------------------------------------------------------------------------------------

BALI_MALE_PREFIX: tuple[str, ...] = ("I Wayan", "I Made", "I Nyoman", "I Ketut", "I Putu", "I Kadek", "I Komang", "I Gede")
BALI_FEMALE_PREFIX: tuple[str, ...] = (
    "Ni Wayan", "Ni Made", "Ni Nyoman", "Ni Ketut", "Ni Putu", "Ni Kadek", "Ni Komang", "Ni Luh",
)
BALI_MALE: tuple[str, ...] = (
    "Sudarma", "Suarta", "Suparta", "Artawan", "Sukadana", "Wirawan", "Mertayasa", "Budiarta", "Suardana",
    "Adnyana", "Sutama", "Astawa", "Darmawan", "Gunawan", "Sudiarta", "Sukarta", "Sumerta", "Widiana",
    "Arsana", "Yasa", "Parwata", "Karyasa",
)
BALI_FEMALE: tuple[str, ...] = (
    "Sri Astuti", "Sukerti", "Suartini", "Ariani", "Sudarmi", "Wartini", "Ayu Lestari", "Widiastuti",
    "Sriani", "Suciati", "Purnamasari", "Karmini", "Suryani", "Darmini", "Merta Sari", "Sukarini",
    "Artini", "Juliantari", "Yuliastini", "Puspawati",
)
# Javanese Hindu households (common in southern Banyuwangi) mostly use ordinary Javanese names.

CHRISTIAN_MALE: tuple[str, ...] = (
    "Yohanes", "Yosef", "Paulus", "Petrus", "Agustinus", "Stefanus", "Yakobus", "Markus", "Lukas",
    "Yosua", "Daniel", "Samuel", "Timotius", "Andreas", "Antonius", "Fransiskus", "Gabriel", "Matius",
    "Bernardus", "Kristian", "Natanael", "Yunus", "Imanuel",
)
CHRISTIAN_FEMALE: tuple[str, ...] = (
    "Maria", "Theresia", "Fransiska", "Debora", "Ester", "Natalia", "Kristiani", "Agnes", "Veronika",
    "Yohana", "Elisabeth", "Magdalena", "Ruth", "Lidia", "Priskila", "Monika", "Katarina", "Margaretha",
    "Sisilia", "Yuliana", "Christina",
)

CHINESE_MALE: tuple[str, ...] = (
    "Hendra Gunawan", "Budi Hartono", "Susanto", "Hendrik Wijaya", "Tjahjadi", "Liem Tjwan Ho",
    "Tan Hok Lie", "Handoko", "Sugianto Halim", "Yohan Santoso", "Kevin Wijaya", "Andreas Tanoto",
    "Rudy Setiawan", "Gunawan Tjandra", "Ong Kian Hwa", "Erwin Kusuma", "Wiliam Sutanto",
)
CHINESE_FEMALE: tuple[str, ...] = (
    "Linda Halim", "Lanny Wijaya", "Susi Susanti", "Lie Mei Lan", "Tan Siok Hwa", "Meliana", "Lilis Tjandra",
    "Yenny Santoso", "Fenny Gunawan", "Vivian Halim", "Elisa Kusuma", "Sherly Tanoto", "Liana Hartono",
    "Jessica Wijaya", "Megawati Setiawan",
)

# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------

# Regencies outside Banyuwangi where a resident's NIK may have been issued:
# (regency code, number of kecamatan to draw the 2-digit code from (capped at 20), weight, birth places).
OTHER_REGENCIES: tuple[tuple[str, int, float, tuple[str, ...]], ...] = (
    ("3509", 20, 25.0, ("Jember", "Jember", "Kalisat", "Tanggul", "Ambulu")),
    ("3512", 17, 14.0, ("Situbondo", "Situbondo", "Asembagus", "Besuki", "Panarukan")),
    ("3511", 20, 10.0, ("Bondowoso", "Bondowoso", "Wonosari")),
    ("3578", 20, 10.0, ("Surabaya",)),
    ("3513", 20, 5.0, ("Probolinggo", "Kraksaan")),
    ("3508", 20, 4.0, ("Lumajang",)),
    ("3507", 20, 4.0, ("Malang", "Kepanjen")),
    ("3573", 5, 3.0, ("Malang",)),
    ("3515", 18, 2.0, ("Sidoarjo",)),
    ("3529", 20, 3.0, ("Sumenep",)),
    ("3528", 13, 1.5, ("Pamekasan",)),
    ("3527", 14, 1.5, ("Sampang",)),
    ("3526", 18, 1.5, ("Bangkalan",)),
    ("5101", 5, 8.0, ("Negara", "Jembrana", "Melaya")),
    ("5171", 4, 5.0, ("Denpasar",)),
    ("5103", 6, 2.0, ("Badung", "Kuta")),
    ("5102", 10, 2.0, ("Tabanan",)),
)

# Other places a Banyuwangi-registered person may have been born in (born away, registered at home).
BIRTH_PLACES_FAR: tuple[tuple[str, float], ...] = (
    ("Jember", 20), ("Surabaya", 15), ("Situbondo", 10), ("Bondowoso", 8), ("Denpasar", 8), ("Jakarta", 8),
    ("Malang", 6), ("Probolinggo", 4), ("Lumajang", 3), ("Negara", 4), ("Sidoarjo", 3), ("Sumenep", 2),
    ("Bangkalan", 1), ("Pasuruan", 2), ("Kediri", 1.5), ("Madiun", 1), ("Semarang", 1), ("Bandung", 1),
    ("Tangerang", 1), ("Batam", 1), ("Kuala Lumpur", 0.5), ("Balikpapan", 0.5),
)

# Dusun (desa) / lingkungan (kelurahan) names.  Krajan is the most common dusun name of East Java and
# is handled separately (most villages have one); these are the others, with weights.
DUSUN_DIRECTIONAL: tuple[str, ...] = ("Kidul", "Lor", "Wetan", "Kulon", "Tengah")
DUSUN_NAMES: tuple[tuple[str, float], ...] = (
    ("Krajan Kidul", 3), ("Krajan Lor", 3), ("Krajan Wetan", 2), ("Krajan Kulon", 2), ("Krajan Tengah", 1),
    ("Sukorejo", 3), ("Sumberejo", 3), ("Sidomulyo", 3), ("Karanganyar", 3), ("Kedungrejo", 2),
    ("Tegalrejo", 2), ("Sumbersari", 2), ("Kebonrejo", 2), ("Rejoagung", 2), ("Sukomulyo", 2),
    ("Sidodadi", 3), ("Jatirejo", 2), ("Gumuk", 1), ("Kaliputih", 1), ("Sumberwaru", 1), ("Curahjati", 1),
    ("Karangasem", 2), ("Pancoran", 1), ("Blimbing", 1), ("Sukosari", 2), ("Ringinsari", 1), ("Tamansari", 2),
    ("Banjarsari", 2), ("Mangir", 1), ("Kopen", 1), ("Rejosari", 2), ("Sumberagung", 2), ("Krajan Baru", 1),
    ("Wonorejo", 2), ("Wonosari", 2), ("Tanjungsari", 1), ("Purwosari", 2), ("Kalirejo", 2), ("Sidorejo", 3),
    ("Sukodadi", 1), ("Sumbergondo", 1), ("Sumberjati", 1), ("Cemoro", 1), ("Krasak", 1), ("Pecemengan", 1),
    ("Kampung Baru", 2), ("Krajan Satu", 1), ("Krajan Dua", 1), ("Tegalsari", 1), ("Tegalpare", 1),
    ("Gunungsari", 1), ("Sukoharjo", 1), ("Sumberbaru", 1), ("Gondang", 1), ("Kembang", 1), ("Balak", 1),
    ("Krajan Timur", 1), ("Kaliboyo", 1), ("Sempol", 1), ("Plampang", 1), ("Kedungasri", 1), ("Pasinan", 1),
    ("Kemiri", 1), ("Talun", 1), ("Sawahan", 1), ("Pondok", 1), ("Silirbaru", 1), ("Sukowidi", 1),
    ("Watugudang", 1), ("Tegaldlimo", 0.5), ("Jalen", 1), ("Ringinagung", 1), ("Tembakon", 1),
)

STREET_NAMES: tuple[str, ...] = (
    "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. PB Sudirman", "Jl. Jend. Sudirman", "Jl. Gajah Mada",
    "Jl. Hayam Wuruk", "Jl. Brawijaya", "Jl. Kartini", "Jl. RA Kartini", "Jl. Imam Bonjol", "Jl. Veteran",
    "Jl. Pahlawan", "Jl. Merdeka", "Jl. Adi Sucipto", "Jl. Letkol Istiqlah", "Jl. Basuki Rahmat",
    "Jl. Kolonel Sugiono", "Jl. MH Thamrin", "Jl. Yos Sudarso", "Jl. Satsui Tubun", "Jl. Banterang",
    "Jl. Sritanjung", "Jl. Wijaya Kusuma", "Jl. Mawar", "Jl. Melati", "Jl. Anggrek", "Jl. Kenanga",
    "Jl. Dahlia", "Jl. Flamboyan", "Jl. Cempaka", "Jl. Mangga", "Jl. Rambutan", "Jl. Durian", "Jl. Kelapa",
    "Jl. Ikan Tongkol", "Jl. Ikan Paus", "Jl. Ikan Hiu", "Jl. Ikan Kakap", "Jl. Nusantara",
    "Jl. Raden Wijaya", "Jl. Sunan Kalijaga", "Jl. Sunan Ampel", "Jl. KH Hasyim Asyari", "Jl. KH Wahid Hasyim",
    "Jl. Kapten Ilyas", "Jl. Ki Hajar Dewantara", "Jl. Pattimura", "Jl. Teuku Umar", "Jl. Cut Nyak Dien",
    "Jl. Juanda", "Jl. Gatot Subroto", "Jl. Wahidin", "Jl. Dr. Sutomo", "Jl. Panjaitan", "Jl. S. Parman",
    "Jl. Argopuro", "Jl. Ijen", "Jl. Raung", "Jl. Semeru", "Jl. Bromo", "Jl. Kawi", "Jl. Bengawan Solo",
    "Jl. Kali Bendo", "Jl. Sumber Waru", "Jl. Krajan", "Jl. Masjid", "Jl. Pasar", "Jl. Stasiun",
    "Jl. Balai Desa", "Jl. Sekolahan", "Jl. Makam", "Jl. Lapangan",
)
GANG_NAMES: tuple[str, ...] = (
    "Gg. Mawar", "Gg. Melati", "Gg. Kenari", "Gg. Masjid", "Gg. Mushola", "Gg. Buntu", "Gg. Delima",
    "Gg. Sawo", "Gg. Belimbing", "Gg. Jambu", "Gg. Srikaya", "Gg. Nangka", "Gg. Pepaya", "Gg. Salak",
    "Gg. Pelita", "Gg. Damai", "Gg. Rukun", "Gg. Sejahtera", "Gg. Makmur", "Gg. Harapan",
)

# Mobile prefixes (Telkomsel, Indosat, XL, Axis, Tri, Smartfren) with rough market weights.
PHONE_PREFIXES: tuple[tuple[str, float], ...] = (
    ("0812", 12), ("0813", 10), ("0821", 8), ("0822", 9), ("0823", 6), ("0852", 10), ("0853", 7),
    ("0851", 3), ("0856", 5), ("0857", 7), ("0858", 4), ("0814", 1), ("0815", 1), ("0816", 1),
    ("0817", 2), ("0818", 2), ("0819", 3), ("0859", 2), ("0877", 3), ("0878", 3), ("0831", 1),
    ("0838", 2), ("0895", 3), ("0896", 3), ("0897", 2), ("0898", 2), ("0899", 1), ("0881", 1),
    ("0882", 1), ("0887", 1),
)
# fmt: on
