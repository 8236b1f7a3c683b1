"""A synthetic Banyuwangi Mall: sellers drawn from the registry's adults, products with Indonesian names
and realistic prices per category, and a history of orders in every state with their timelines.

Deterministic per seed. Set-based: a handful of bulk inserts, no query per seller or product. The number
of shops follows the population (about 0.7 % of residents, between 8 and 300), so the 2,000-person test
baseline stays fast and the whole regency gets a few hundred shops with a few thousand products.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.text import slugify

from smartkampung.core.audit import Actor
from smartkampung.core.models import Area
from smartkampung.registry.models import Person

from .models import (
    Category,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    Product,
    Seller,
    SellerStatus,
)
from .services import categories_load, search_text_for

MOTIFS = ("Gajah Oling", "Kangkung Setingkes", "Paras Gempal", "Sisik Papak", "Moto Pitik", "Kopi Pecah",
          "Sekar Jagad Blambangan", "Kembang Manggar", "Blarak Semplah", "Gedegan", "Jenon", "Alas Kobong",
          "Latar Putih", "Kawung Osing", "Gringsing Banyuwangi")
COLOURS = ("Merah", "Hitam", "Biru Dongker", "Hijau Botol", "Coklat Soga", "Kuning Kunyit", "Putih Gading", "Marun", "Ungu", "Abu-abu")
SIZES = ("S", "M", "L", "XL", "XXL")

# category code -> (product-name makers, price range in rupiah, weight range in grams, stock range)
CATALOGUE: dict[str, tuple[tuple[str, ...], tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    "batik": (("Kain Batik Tulis {motif}", "Kain Batik Cap {motif}", "Kemeja Batik {motif} Lengan Panjang",
               "Kemeja Batik {motif} Lengan Pendek", "Dress Batik {motif}", "Selendang Batik {motif}", "Sarung Batik {motif}",
               "Blus Batik {motif} {colour}", "Outer Batik {motif}", "Batik Tulis Pewarna Alam {motif}"),
              (85_000, 1_500_000), (200, 600), (2, 40)),
    "fashion": (("Kaos Gandrung {colour} ukuran {size}", "Kaos Osing Blambangan {size}", "Hijab Motif {motif}", "Tas Kain Tenun {colour}",
                 "Sandal Anyaman Pandan", "Udeng Osing {colour}", "Kemeja Tenun {colour} {size}", "Rok Lilit Motif {motif}",
                 "Jaket Denim Bordir Gandrung {size}", "Sarung Tenun {colour}"),
                (45_000, 450_000), (150, 900), (3, 60)),
    "kerajinan": (("Tas Anyaman Bambu", "Keranjang Anyaman Pandan", "Topeng Gandrung Ukir", "Miniatur Barong Osing",
                   "Kap Lampu Bambu", "Hiasan Dinding Kerang Muncar", "Gerabah Kendi Tanah Liat", "Ukiran Kayu Penari Gandrung",
                   "Tempat Tisu Anyaman Rotan", "Wayang Kulit Mini", "Angklung Paglak Hias", "Tikar Pandan {colour}"),
                  (25_000, 750_000), (200, 3_000), (2, 30)),
    "makanan-olahan": (("Kopi Robusta Ijen Bubuk 250 g", "Kopi Arabika Ijen Biji 200 g", "Kopi Osing Kemiren 100 g",
                        "Kopi Lego Sangrai 250 g", "Bagiak Khas Banyuwangi", "Sale Pisang Gulung", "Kelemben Manis",
                        "Widaran Renyah", "Manisan Pala", "Pia Glagah", "Dodol Buah Naga", "Selai Buah Naga 250 g",
                        "Sirup Buah Naga 600 ml", "Keripik Pisang Agung", "Kerupuk Udang Muncar 500 g", "Petis Ikan Muncar",
                        "Sambal Pecel Banyuwangi 250 g", "Madu Hutan Alas Purwo 350 g", "Gula Aren Songgon 1 kg",
                        "Keripik Tempe Rogojampi", "Ikan Asin Muncar 500 g", "Rengginang Lorjuk", "Kue Satu Kacang Hijau"),
                       (10_000, 120_000), (100, 1_200), (10, 200)),
    "aksesoris": (("Gelang Manik Osing {colour}", "Kalung Mutiara Air Tawar", "Bros Gandrung", "Anting Perak Motif {motif}",
                   "Cincin Perak Ukir", "Gelang Kayu Sawo", "Jepit Rambut Omprog", "Dompet Kulit Motif {motif}",
                   "Ikat Pinggang Kulit", "Kalung Kerang Pantai Boom"),
                  (15_000, 350_000), (20, 300), (5, 80)),
    "suvenir": (("Gantungan Kunci Gandrung", "Magnet Kulkas Kawah Ijen", "Mug Banyuwangi Sunrise of Java", "Miniatur Penari Gandrung",
                 "Kaos Oleh-oleh Ijen Blue Fire {size}", "Pembatas Buku Batik {motif}", "Kipas Batik {motif}", "Tote Bag Festival Banyuwangi",
                 "Stiker Osing Set", "Kartu Pos Banyuwangi Set", "Omprog Miniatur", "Patung Barong Kecil"),
                (10_000, 150_000), (30, 600), (10, 150)),
    "furnitur": (("Kursi Kayu Jati Ukir", "Meja Makan Kayu Jati 6 Kursi", "Lemari Pakaian Jati 2 Pintu", "Rak Buku Bambu",
                  "Kursi Rotan Teras", "Bangku Panjang Kayu Mahoni", "Meja Kopi Akar Jati", "Bale-bale Bambu",
                  "Nakas Kayu Sono", "Set Kursi Tamu Jati Jepara-Banyuwangi", "Cermin Bingkai Ukir", "Kursi Goyang Rotan"),
                 (450_000, 8_000_000), (4_000, 60_000), (1, 8)),
}
BUSINESS_WORDS = {
    "batik": ("Batik", "Sanggar Batik", "Griya Batik", "Rumah Batik"),
    "fashion": ("Konveksi", "Butik", "Distro", "Tenun"),
    "kerajinan": ("Kerajinan", "Anyaman", "Sanggar Kriya", "Ukir"),
    "makanan-olahan": ("Dapur", "Kopi", "Oleh-oleh", "Jajanan", "Kedai"),
    "aksesoris": ("Aksesoris", "Galeri", "Perak"),
    "suvenir": ("Suvenir", "Cinderamata", "Oleh-oleh"),
    "furnitur": ("Mebel", "Furnitur", "Meubel Jati", "Rotan"),
}
BRAND_WORDS = ("Sri Tanjung", "Blambangan", "Osing", "Ijen", "Gandrung", "Sunrise", "Rengganis", "Minak Jinggo", "Sayu Wiwit",
               "Damarwulan", "Kemiren", "Barong", "Kembang Arum", "Sekar", "Lestari", "Makmur", "Berkah", "Barokah", "Sumber Rejeki",
               "Tunjung Biru", "Purwo", "Segoro", "Tawang Alun", "Jaran Goyang")
BANKS = ("BRI", "Bank Jatim", "BNI", "Mandiri", "BSI", "BCA")
DEFAULT_PASSWORD_HASH = "!"  # unusable: synthetic accounts cannot log in (make_password(None) is random per call)


def _round_price(value: int) -> int:
    step = 500 if value < 50_000 else 1_000 if value < 500_000 else 25_000
    return max(step, int(round(value / step)) * step)


def _product_name(rng: random.Random, template: str) -> str:
    return template.format(motif=rng.choice(MOTIFS), colour=rng.choice(COLOURS), size=rng.choice(SIZES))


def _pick_adults(rng: random.Random, wanted: int, as_of: dt.date) -> list[tuple[int, int, str]]:
    """(person id, village id, name) of living adults, drawn by random ids: no scan of the whole registry."""
    bounds = Person.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None or wanted <= 0:
        return []
    latest_birth = as_of.replace(year=as_of.year - 20)
    earliest_birth = as_of.replace(year=as_of.year - 70)
    chosen: dict[int, tuple[int, int, str]] = {}
    for _attempt in range(8):
        ids = sorted({rng.randint(bounds["lo"], bounds["hi"]) for _ in range(wanted * 3)})
        rows = (Person.objects.filter(id__in=ids, date_of_death__isnull=True, birth_date__lte=latest_birth, birth_date__gte=earliest_birth)
                .exclude(mall_seller__isnull=False).values_list("id", "village_id", "name"))
        for row in rows:
            chosen.setdefault(row[0], row)
        if len(chosen) >= wanted:
            break
    picked = sorted(chosen.values())
    rng.shuffle(picked)
    return sorted(picked[:wanted])


def seed(*, actor: Actor, seed: int, as_of: dt.date) -> dict[str, int]:
    categories_load(actor=actor)
    rng = random.Random(f"market-{seed}")
    people = Person.objects.count()
    shops = max(8, min(300, people * 7 // 1000))  # about 0.7 % of residents, capped at a few hundred
    owners = _pick_adults(rng, shops, as_of)
    if not owners:
        return {"sellers": 0, "products": 0, "orders": 0}
    categories = {c.code: c for c in Category.objects.all()}
    codes = list(CATALOGUE)
    weights = (18, 16, 18, 26, 8, 8, 6)  # processed food and batik lead Banyuwangi's UMKM
    village_parent = dict(Area.objects.filter(kind__in=("desa", "kelurahan")).values_list("id", "parent_id"))
    now = timezone.now()
    User = get_user_model()
    first_user = (User.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    users = [User(username=f"umkm.synth{seed}.{n:04d}", password=DEFAULT_PASSWORD_HASH, first_name=name.split()[0][:150],
                  last_name=" ".join(name.split()[1:])[:150], date_joined=now) for n, (_pid, _vid, name) in enumerate(owners)]
    User.objects.bulk_create(users, batch_size=500)
    user_ids = dict(User.objects.filter(id__gte=first_user, username__startswith=f"umkm.synth{seed}.").values_list("username", "id"))
    sellers, used_slugs = [], set(Seller.objects.values_list("slug", flat=True))
    for n, (person_id, village_id, _name) in enumerate(owners):
        code = rng.choices(codes, weights=weights)[0]
        business = f"{rng.choice(BUSINESS_WORDS[code])} {rng.choice(BRAND_WORDS)}"
        slug = base = slugify(business)
        k = 1
        while slug in used_slugs:
            k += 1
            slug = f"{base}-{k}"
        used_slugs.add(slug)
        roll = rng.random()
        status = SellerStatus.VERIFIED if roll < 0.86 else SellerStatus.PENDING if roll < 0.95 else SellerStatus.REJECTED if roll < 0.98 else SellerStatus.SUSPENDED
        has_bank = rng.random() < 0.7
        sellers.append(Seller(
            user_id=user_ids[f"umkm.synth{seed}.{n:04d}"], owner_id=person_id, business_name=business, slug=slug, village_id=village_id,
            category=categories[code], description=f"UMKM {categories[code].name.lower()} dari Banyuwangi.",
            phone=f"08{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}",
            bank_name=rng.choice(BANKS) if has_bank else "", bank_account=str(rng.randint(10**9, 10**10 - 1)) if has_bank else "",
            bank_holder=_name[:100] if has_bank else "", status=status,
            status_reason={SellerStatus.REJECTED: "NIB belum ada", SellerStatus.SUSPENDED: "Banyak pesanan tidak dikirim"}.get(status, ""),
            decided_at=None if status == SellerStatus.PENDING else now, created_at=now,
        ))
    Seller.objects.bulk_create(sellers, batch_size=500)
    sellers = list(Seller.objects.filter(user_id__in=list(user_ids.values())).order_by("id"))
    products = []
    for seller in sellers:
        own = seller.category.code
        for _ in range(rng.randint(4, 16)):
            code = own if rng.random() < 0.8 else rng.choice(codes)
            templates, (lo, hi), (wlo, whi), (slo, shi) = CATALOGUE[code]
            name = _product_name(rng, rng.choice(templates))[:120]
            price = _round_price(int(lo * (hi / lo) ** rng.random()))  # log-uniform: many cheap, few dear
            stock = 0 if rng.random() < 0.06 else rng.randint(slo, shi)
            active = rng.random() < 0.96
            description = f"{name}. Produk UMKM Banyuwangi, dibuat oleh {seller.business_name}."
            products.append(Product(
                seller=seller, category=categories[code], name=name, description=description, price=price, stock=stock,
                weight_grams=rng.randint(wlo, whi), active=active, kecamatan_id=village_parent[seller.village_id],
                listed=active and seller.status == SellerStatus.VERIFIED,
                search_text=search_text_for(name, categories[code], seller.business_name),
            ))
    Product.objects.bulk_create(products, batch_size=1000)
    orders_made = _seed_orders(rng, seed=seed, sellers=[s for s in sellers if s.status == SellerStatus.VERIFIED], as_of=as_of, now=now)
    return {"sellers": len(sellers), "products": len(products), "orders": orders_made}


def _seed_orders(rng: random.Random, *, seed: int, sellers: list[Seller], as_of: dt.date, now) -> int:
    """Past orders in every state; stock shown afterwards is what is left (taken with the same F() update)."""
    if not sellers:
        return 0
    User = get_user_model()
    buyer_count = max(5, len(sellers) // 3)
    User.objects.bulk_create([User(username=f"pembeli.synth{seed}.{n:04d}", password=DEFAULT_PASSWORD_HASH, first_name="Pembeli",
                                   last_name=f"{n}", date_joined=now) for n in range(buyer_count)], batch_size=500)
    buyers = list(User.objects.filter(username__startswith=f"pembeli.synth{seed}.").order_by("id").values_list("id", flat=True))
    stock_by_product = {}
    by_seller: dict[int, list] = {}
    for pid, seller_id, price, stock, name in (Product.objects.filter(seller__in=sellers, listed=True)
                                               .values_list("id", "seller_id", "price", "stock", "name").order_by("id")):
        by_seller.setdefault(seller_id, []).append((pid, price, name))
        stock_by_product[pid] = stock
    villages = list(dict.fromkeys(s.village_id for s in sellers))
    tz = timezone.get_current_timezone()
    orders, lines, timelines = [], [], []
    statuses = (OrderStatus.COMPLETED,) * 55 + (OrderStatus.SHIPPED,) * 8 + (OrderStatus.CONFIRMED,) * 8 + \
        (OrderStatus.PENDING,) * 9 + (OrderStatus.AWAITING_PAYMENT,) * 5 + (OrderStatus.CANCELLED,) * 15
    path = {OrderStatus.AWAITING_PAYMENT: [], OrderStatus.PENDING: [], OrderStatus.CONFIRMED: ["confirm"],
            OrderStatus.SHIPPED: ["confirm", "ship"], OrderStatus.COMPLETED: ["confirm", "ship", "complete"], OrderStatus.CANCELLED: ["cancel"]}
    after = {"confirm": OrderStatus.CONFIRMED, "ship": OrderStatus.SHIPPED, "complete": OrderStatus.COMPLETED, "cancel": OrderStatus.CANCELLED}
    n = 0
    for seller in sellers:
        stock_lines = by_seller.get(seller.pk, [])
        if not stock_lines:
            continue
        for _ in range(rng.randint(0, 8)):
            picked = rng.sample(stock_lines, k=min(len(stock_lines), rng.randint(1, 3)))
            status = rng.choice(statuses)
            chosen = []
            for pid, price, name in picked:
                qty = rng.randint(1, 3)
                if status != OrderStatus.CANCELLED:
                    if stock_by_product[pid] < qty:
                        continue
                    stock_by_product[pid] -= qty
                chosen.append((pid, price, name, qty))
            if not chosen:
                continue
            method = PaymentMethod.TRANSFER if seller.accepts_transfer and rng.random() < 0.5 else PaymentMethod.COD
            if status == OrderStatus.AWAITING_PAYMENT and method != PaymentMethod.TRANSFER:
                status = OrderStatus.PENDING
            days_ago = rng.randint(0 if status != OrderStatus.COMPLETED else 6, 330)
            placed = dt.datetime.combine(as_of - dt.timedelta(days=days_ago), dt.time(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=tz)
            n += 1
            code = f"BWM-{placed:%y%m%d}-S{seed % 100:02d}{n:05d}"
            first = OrderStatus.AWAITING_PAYMENT if method == PaymentMethod.TRANSFER else OrderStatus.PENDING
            orders.append(Order(code=code, seller=seller, buyer_id=buyers[n % len(buyers)], buyer_name=f"Pembeli {n}",
                                buyer_phone=f"0812{rng.randint(10_000_000, 99_999_999)}", shipping_address=f"Jl. Raya No. {rng.randint(1, 200)}",
                                shipping_village_id=rng.choice(villages), payment_method=method, status=status,
                                total=sum(p * q for _pid, p, _n, q in chosen), created_at=placed))
            lines.append([(pid, name, price, qty) for pid, price, name, qty in chosen])
            events = [(placed, first, "place", "buyer", "")]
            at = placed
            if method == PaymentMethod.TRANSFER and status != OrderStatus.AWAITING_PAYMENT and not (status == OrderStatus.CANCELLED and rng.random() < 0.5):
                at += dt.timedelta(hours=rng.randint(1, 20))
                events.append((at, OrderStatus.PENDING, "pay", "buyer", "bukti transfer"))
            for action in path[status]:
                at += dt.timedelta(hours=rng.randint(2, 48))
                who = "buyer" if action == "complete" and rng.random() < 0.5 else "seller"
                events.append((at, after[action], action, who, "Stok habis di gudang" if action == "cancel" else ""))
            timelines.append(events)
    Order.objects.bulk_create(orders, batch_size=1000)
    saved = dict(Order.objects.filter(code__in=[o.code for o in orders]).values_list("code", "id"))
    OrderItem.objects.bulk_create([
        OrderItem(order_id=saved[o.code], product_id=pid, product_name=name, unit_price=price, quantity=qty, subtotal=price * qty)
        for o, order_lines in zip(orders, lines, strict=True) for pid, name, price, qty in order_lines
    ], batch_size=2000)
    OrderEvent.objects.bulk_create([
        OrderEvent(order_id=saved[o.code], at=at, status=status, action=action, actor_role=who, note=note)
        for o, events in zip(orders, timelines, strict=True) for at, status, action, who, note in events
    ], batch_size=2000)
    changed = [Product(pk=pid, stock=stock) for pid, stock in stock_by_product.items()]
    Product.objects.bulk_update(changed, ["stock"], batch_size=1000)
    return len(orders)
