"""A year of Banyuwangi Festival: ~90 events modelled on the regency's real calendars (99 events in 2019,
79 in 2024), at real venues and villages, with the days drawn by seed inside each event's usual month.

The dates of the Javanese and Islamic calendar (Suro, Syawal, Maulid...) move every year; the months
given here are those of the mid-2020s and are a plausible programme, not the official one.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone
from django.utils.text import slugify

from smartkampung.core.audit import Actor
from smartkampung.core.models import Area

from .models import Event, EventCategory, EventStatus
from .services import WIB

C = EventCategory
# venue key -> (venue name, village code, latitude, longitude)
VENUES = {
    "blambangan": ("Taman Blambangan", "35.10.16.1008", -8.2138, 114.3677),
    "gesibu": ("Gesibu Blambangan", "35.10.16.1004", -8.2113, 114.3703),
    "boom": ("Pantai Marina Boom", "35.10.16.1013", -8.2262, 114.3834),
    "sritanjung": ("Taman Sritanjung", "35.10.16.1011", -8.2093, 114.3731),
    "pendopo": ("Pendopo Sabha Swagata Blambangan", "35.10.16.1011", -8.2101, 114.3722),
    "protokol": ("Jalan protokol Kota Banyuwangi (start Taman Blambangan)", "35.10.16.1008", -8.2140, 114.3675),
    "kemiren": ("Jalan Desa Wisata Osing Kemiren", "35.10.15.2004", -8.2113, 114.3239),
    "olehsari": ("Desa Olehsari", "35.10.15.2005", -8.2036, 114.3397),
    "bakungan": ("Kelurahan Bakungan", "35.10.15.1002", -8.2236, 114.3484),
    "alasmalang": ("Desa Alasmalang", "35.10.12.2002", -8.3097, 114.2782),
    "aliyan": ("Desa Aliyan", "35.10.13.2001", -8.3188, 114.2934),
    "ijen": ("Paltuding, Kawah Ijen", "35.10.24.2008", -8.0611, 114.2419),
    "licin": ("Lapangan Desa Licin", "35.10.24.2003", -8.1731, 114.2734),
    "jiwajawa": ("Amfiteater Jiwa Jawa Ijen", "35.10.24.2008", -8.1147, 114.2586),
    "pulaumerah": ("Pantai Pulau Merah", "35.10.01.2004", -8.5982, 114.0233),
    "plengkung": ("Pantai Plengkung (G-Land), Alas Purwo", "35.10.04.2009", -8.7253, 114.3566),
    "grajagan": ("Pantai Grajagan", "35.10.03.2001", -8.6154, 114.2240),
    "muncar": ("Pelabuhan Muncar", "35.10.05.2002", -8.4365, 114.3371),
    "cacalan": ("Pantai Cacalan", "35.10.21.1002", -8.1813, 114.3893),
    "macanputih": ("Desa Macan Putih", "35.10.14.2013", -8.2661, 114.3179),
    "gombolirang": ("Desa Gombolirang", "35.10.14.2003", -8.2846, 114.3263),
    "genteng": ("Alun-alun Genteng", "35.10.09.2003", -8.3671, 114.1496),
    "bayu": ("Rowo Bayu", "35.10.19.2006", -8.2290, 114.1936),
    "songgon": ("Lapangan Songgon", "35.10.19.2001", -8.2534, 114.1791),
    "temenggungan": ("Kampung Temenggungan", "35.10.16.1011", -8.2081, 114.3745),
    "lateng": ("Kelurahan Lateng", "35.10.16.1014", -8.2010, 114.3769),
    "sobo": ("Kelurahan Sobo", "35.10.16.1002", -8.2075, 114.3552),
    "stadion": ("Stadion Diponegoro", "35.10.16.1017", -8.2221, 114.3644),
}

# (title, category, month, days, start time or None for all day, end time, venue, description)
PROGRAMME = [
    ("Festival Imlek Klenteng Hoo Tong Bio", C.RELIGI, 2, 1, "18:00", "22:00", "lateng", "Perayaan Tahun Baru Imlek dengan barongsai dan liong di sekitar Klenteng Hoo Tong Bio."),
    ("Banyuwangi Tour de Ijen Junior", C.OLAHRAGA, 2, 1, "06:00", "12:00", "licin", "Balap sepeda pelajar menanjak lereng Ijen."),
    ("Festival Kuliner Pecel Pitik", C.KULINER, 2, 1, "08:00", "14:00", "kemiren", "Sajian pecel pitik, kuliner ritual masyarakat Osing, dinikmati bersama warga Kemiren."),
    ("Festival Kopi Lego", C.KULINER, 3, 2, "15:00", "22:00", "sritanjung", "Kopi robusta dan arabika dari lereng Ijen, lomba barista dan sangrai tradisional."),
    ("Banyuwangi Ethno Carnival: Peluncuran Tema", C.BUDAYA, 3, 1, "19:00", "22:00", "pendopo", "Pengumuman tema BEC tahun ini dan pembukaan audisi talenta."),
    ("Festival Tari Jaranan Buto", C.SENI, 3, 1, "19:00", "23:00", "blambangan", "Pertunjukan jaranan buto dari sanggar se-Banyuwangi."),
    ("Festival Ramadan Kampung Temenggungan", C.RELIGI, 3, 5, "15:30", "18:30", "temenggungan", "Pasar takjil dan kajian menjelang berbuka puasa."),
    ("Festival Patrol Osing", C.SENI, 3, 1, "20:00", "23:30", "protokol", "Musik patrol membangunkan sahur, dilombakan antar kelompok desa."),
    ("Barong Ider Bumi", C.BUDAYA, 4, 1, "13:00", "17:00", "kemiren", "Arak-arakan barong keliling desa pada hari kedua Syawal, tolak bala warga Kemiren."),
    ("Seblang Olehsari", C.BUDAYA, 4, 7, "14:00", "17:30", "olehsari", "Ritual tari Seblang selama tujuh hari setelah Idulfitri, penarinya gadis yang dipilih secara gaib."),
    ("Festival Layang-layang Pantai Cacalan", C.ALAM, 4, 2, "08:00", "16:00", "cacalan", "Layang-layang hias dan aduan di tepi Selat Bali."),
    ("Banyuwangi Ijen Green Run", C.OLAHRAGA, 4, 1, "05:30", "12:00", "licin", "Lari lintas alam 10K, 21K dan 42K di perkebunan dan hutan lereng Ijen."),
    ("Festival Endog-endogan Banyuwangi", C.RELIGI, 9, 1, "07:00", "12:00", "protokol", "Pawai jodang telur hias memperingati Maulid Nabi."),
    ("Festival Gandrung Marsan", C.SENI, 5, 1, "19:30", "23:00", "gesibu", "Tari Gandrung laki-laki, mengenang Marsan sang penari legendaris."),
    ("Festival Durian Songgon", C.KULINER, 1, 2, "08:00", "16:00", "songgon", "Durian merah dan durian lokal langsung dari kebun warga Songgon."),
    ("Festival Rujak Soto", C.KULINER, 5, 1, "09:00", "15:00", "blambangan", "Rujak soto, perpaduan khas Banyuwangi, dimasak seribu porsi."),
    ("Festival Perahu Layar Selat Bali", C.OLAHRAGA, 5, 2, "08:00", "15:00", "boom", "Lomba perahu layar tradisional nelayan di Selat Bali."),
    ("Banyuwangi Fashion Festival", C.KREATIF, 5, 1, "19:00", "22:30", "gesibu", "Peragaan busana desainer lokal dengan batik Gajah Oling dan tenun Osing."),
    ("Festival Sego Tempong", C.KULINER, 6, 1, "10:00", "15:00", "sritanjung", "Sego tempong dengan sambal yang 'menampar', dari warung-warung se-Banyuwangi."),
    ("Tumpeng Sewu", C.BUDAYA, 6, 1, "17:00", "21:00", "kemiren", "Seribu tumpeng pecel pitik di depan rumah warga Kemiren, doa bersama menjelang Iduladha."),
    ("Seblang Bakungan", C.BUDAYA, 6, 1, "19:00", "23:59", "bakungan", "Seblang yang ditarikan perempuan tua setelah Iduladha, dengan ider bumi membawa obor."),
    ("Banyuwangi Beach Jazz Festival", C.SENI, 6, 2, "18:30", "23:30", "boom", "Jazz di tepi pantai dengan latar Pulau Bali."),
    ("Festival Kebo-keboan Alasmalang", C.BUDAYA, 7, 1, "08:00", "14:00", "alasmalang", "Warga berdandan kerbau membajak sawah di jalan desa, doa kesuburan bulan Suro."),
    ("Keboan Aliyan", C.BUDAYA, 7, 1, "08:00", "14:00", "aliyan", "Ritual keboan warga Aliyan di bulan Suro, ider bumi dan bersih desa."),
    ("Petik Laut Muncar", C.BUDAYA, 7, 1, "07:00", "13:00", "muncar", "Sesaji gitik dilarung ke laut oleh nelayan Muncar sebagai syukur hasil tangkapan."),
    ("Festival Bedug", C.RELIGI, 7, 1, "19:00", "22:00", "blambangan", "Lomba tabuh bedug menyambut Tahun Baru Islam."),
    ("Banyuwangi Ethno Carnival", C.BUDAYA, 7, 1, "13:00", "17:00", "protokol", "Karnaval busana etnik berakar budaya Osing di jalan utama kota."),
    ("Festival Arung Jeram Songgon", C.ALAM, 7, 2, "08:00", "15:00", "songgon", "Arung jeram Sungai Badeng, lomba tim dan wisata keluarga."),
    ("Festival Kuntulan Caruk", C.SENI, 8, 1, "19:30", "23:00", "gesibu", "Adu kuntulan dua kelompok berhadapan, musik rebana dan gerak tari."),
    ("Parade Gandrung Sewu Gladi", C.SENI, 9, 1, "14:00", "17:00", "stadion", "Gladi bersih ribuan pelajar penari gandrung."),
    ("Gandrung Sewu", C.SENI, 9, 1, "13:00", "17:30", "boom", "Seribu lebih penari gandrung menari kolosal di bibir pantai Marina Boom."),
    ("Festival Tari Rengganis", C.SENI, 8, 1, "19:30", "22:30", "pendopo", "Sendratari kisah Dewi Rengganis oleh sanggar se-Banyuwangi."),
    ("Festival Kemerdekaan Pawai Budaya", C.BUDAYA, 8, 1, "13:00", "17:00", "genteng", "Pawai budaya desa-desa kecamatan Genteng memperingati kemerdekaan."),
    ("International Tour de Banyuwangi Ijen", C.OLAHRAGA, 9, 4, None, None, "ijen", "Balap sepeda internasional UCI berakhir di tanjakan Paltuding, Kawah Ijen."),
    ("Ijen Summer Jazz", C.SENI, 9, 1, "18:30", "23:00", "jiwajawa", "Jazz di amfiteater terbuka lereng Ijen."),
    ("Banyuwangi Batik Festival", C.KREATIF, 10, 3, "10:00", "21:00", "gesibu", "Pameran dan peragaan batik khas Banyuwangi: Gajah Oling, Kangkung Setingkes, Paras Gempal."),
    ("Festival Ngopi Sepuluh Ewu", C.KULINER, 10, 1, "18:00", "23:00", "kemiren", "Sepuluh ribu cangkir kopi disuguhkan gratis di teras rumah warga Kemiren."),
    ("Banyuwangi International Surfing Competition", C.OLAHRAGA, 5, 3, None, None, "pulaumerah", "Kompetisi selancar di ombak Pulau Merah."),
    ("G-Land Surf Pro", C.OLAHRAGA, 6, 4, None, None, "plengkung", "Kompetisi selancar kelas dunia di ombak kiri Plengkung, Taman Nasional Alas Purwo."),
    ("Festival Gredoan Macan Putih", C.BUDAYA, 10, 1, "19:00", "23:00", "macanputih", "Tradisi mencari jodoh warga Macan Putih menjelang Maulid."),
    ("Festival Kuwung", C.BUDAYA, 12, 1, "18:30", "23:00", "protokol", "Parade seni budaya Banyuwangi dengan lampu hias, kuwung berarti pelangi."),
    ("Festival Sastra Using", C.SENI, 11, 1, "09:00", "16:00", "gesibu", "Baca puisi, mocoan lontar Yusup dan diskusi sastra berbahasa Using."),
    ("Festival Angklung Paglak", C.SENI, 11, 1, "19:30", "22:30", "blambangan", "Angklung paglak, musik sawah Osing, dimainkan di gubuk bambu tinggi."),
    ("Banyuwangi Jazz Festival", C.SENI, 11, 1, "19:00", "23:00", "gesibu", "Musisi jazz nasional dan lokal di Gesibu Blambangan."),
    ("Festival Dalang Cilik", C.SENI, 11, 1, "09:00", "15:00", "pendopo", "Lomba pedalangan anak dengan wayang kulit gaya Banyuwangi."),
    ("Festival Gitar Akustik Osing", C.SENI, 12, 1, "19:00", "22:30", "sritanjung", "Lagu-lagu Using dibawakan dengan gitar akustik."),
    ("Festival Puputan Bayu", C.BUDAYA, 12, 1, "08:00", "12:00", "bayu", "Napak tilas Puputan Bayu 1771 di situs Rowo Bayu, Hari Jadi Banyuwangi."),
    ("Hari Jadi Banyuwangi: Parade Budaya", C.BUDAYA, 12, 1, "14:00", "18:00", "protokol", "Parade memperingati Hari Jadi Banyuwangi 18 Desember."),
    ("Festival Sedekah Laut Grajagan", C.BUDAYA, 8, 1, "07:00", "12:00", "grajagan", "Sedekah laut nelayan Grajagan dengan larung sesaji."),
    ("Festival Kali Bening Sobo", C.ALAM, 10, 1, "07:00", "12:00", "sobo", "Bersih sungai dan lomba perahu getek di kali kota."),
    ("Festival Egrang dan Permainan Tradisional", C.BUDAYA, 8, 1, "08:00", "12:00", "stadion", "Lomba egrang, bakiak dan gobak sodor untuk pelajar."),
    ("Festival Kucur Gombolirang", C.KULINER, 10, 1, "08:00", "13:00", "gombolirang", "Kue kucur dan jajanan pasar khas desa."),
]
# Recurring series: (title template, category, months, days, start, end, venue keys in turn, description)
SERIES = [
    ("Pasar Seni Gesibu {month}", C.KREATIF, range(1, 13), 1, "16:00", "22:00", ["gesibu"], "Pasar seni bulanan: kriya, lukis, batik dan musik di Gesibu Blambangan."),
    ("Festival Desa Wisata {village}", C.ALAM, (2, 3, 4, 5, 8, 9, 10, 11), 1, "08:00", "16:00",
     ["kemiren", "licin", "songgon", "alasmalang", "bayu", "macanputih", "grajagan", "aliyan"], "Desa wisata memamerkan alam, kuliner dan seni warganya."),
    ("Banyuwangi Night Culture {month}", C.SENI, (1, 2, 3, 5, 6, 8, 10, 11, 12), 1, "19:00", "22:30", ["sritanjung", "blambangan", "pendopo"],
     "Panggung seni malam: gandrung, janger, kendang kempul dari sanggar bergiliran."),
    ("Sunrise Ijen Trail {month}", C.ALAM, (4, 6, 8, 10), 1, "02:00", "09:00", ["ijen"], "Pendakian pagi buta melihat api biru dan matahari terbit di Kawah Ijen."),
]
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember")


def _rows() -> list[tuple]:
    rows = list(PROGRAMME)
    for title, category, months, days, start, end, venues, description in SERIES:
        for n, month in enumerate(months):
            venue = venues[n % len(venues)]
            village_label = VENUES[venue][0].replace("Desa ", "").replace("Lapangan ", "").replace("Jalan Desa Wisata Osing ", "")
            rows.append((title.format(month=MONTH_NAMES[month - 1], village=village_label), category, month, days, start, end, venue, description))
    return rows


def seed(*, actor: Actor, seed: int, as_of: dt.date) -> dict[str, int]:
    """A year's programme from two months before as_of: most events published, a few drafts, a few cancelled.

    Each event keeps its usual month; it falls in as_of's year or the next, whichever puts it in the window,
    so a demo always has a season ahead of it."""
    rng = random.Random(f"festival-{seed}")
    window_start = (as_of.replace(day=1) - dt.timedelta(days=45)).replace(day=1)
    villages = {a.code: a for a in Area.objects.filter(code__in={v[1] for v in VENUES.values()})}
    if not villages:
        return {"events": 0}
    now = timezone.now()
    events, slugs = [], set(Event.objects.values_list("slug", flat=True))
    for title, category, month, days, start, end, venue_key, description in _rows():
        year = as_of.year if dt.date(as_of.year, month, 1) >= window_start else as_of.year + 1
        venue, code, lat, lon = VENUES[venue_key]
        village = villages.get(code)
        if village is None:
            continue
        last_day = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
        day = rng.randint(1, max(1, last_day - days + 1))
        first = dt.date(year, month, day)
        if start is None:
            starts = dt.datetime.combine(first, dt.time(0, 0), tzinfo=WIB)
            ends = dt.datetime.combine(first + dt.timedelta(days=days), dt.time(0, 0), tzinfo=WIB)
        else:
            h1, m1 = map(int, start.split(":"))
            h2, m2 = map(int, end.split(":"))
            starts = dt.datetime.combine(first, dt.time(h1, m1), tzinfo=WIB)
            ends = dt.datetime.combine(first + dt.timedelta(days=days - 1), dt.time(h2, m2), tzinfo=WIB)
        slug = base = f"{slugify(title)[:120]}-{year}"
        k = 1
        while slug in slugs:
            k += 1
            slug = f"{base}-{k}"
        slugs.add(slug)
        roll = rng.random()
        status = EventStatus.PUBLISHED if roll < 0.9 else EventStatus.DRAFT if roll < 0.97 else EventStatus.CANCELLED
        events.append(Event(
            uid=uuid.UUID(int=rng.getrandbits(128), version=4), slug=slug, title=title, category=category, description=description,
            starts_at=starts, ends_at=ends, all_day=start is None, venue=venue, village=village,
            latitude=lat + rng.uniform(-0.0005, 0.0005), longitude=lon + rng.uniform(-0.0005, 0.0005),
            organizer="Dinas Kebudayaan dan Pariwisata Kabupaten Banyuwangi", status=status,
            cancel_reason="Cuaca buruk; dijadwalkan ulang" if status == EventStatus.CANCELLED else "",
            sequence=1 if status == EventStatus.CANCELLED else 0, created_at=now, updated_at=now,
        ))
    Event.objects.bulk_create(events, batch_size=500)
    return {"events": len(events)}
