"""Writes of the Banyuwangi Mall: one atomic, audited function per change; refusals are DomainErrors.

Stock is taken with one conditional UPDATE per line (`stock = stock - n WHERE stock >= n`), inside the
order's transaction: if any line cannot be served the whole order is rolled back, and the CHECK
constraint `stock >= 0` is the last guard. No Python-side check-then-act, no in-process lock.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.registry.models import Person

from . import images
from .catalogue import CATEGORIES
from .models import (
    Category,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    Product,
    ProductPhoto,
    Seller,
    SellerStatus,
)
from .roles import is_office

MAX_PRICE = 1_000_000_000  # Rp1 billion: anything above is a typing mistake, not a product
MAX_STOCK = 1_000_000
MAX_WEIGHT_GRAMS = 500_000
MAX_LINE_QUANTITY = 1_000
MAX_PHOTOS = 6
SELLER_MIN_AGE = 17  # the age of a KTP, and of signing a contract as a seller
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
PHONE_RE = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$")


def mask_nik(nik: str) -> str:
    return nik[:4] + "*" * 8 + nik[-4:] if len(nik) == 16 else "*" * len(nik)


# ---------------------------------------------------------------------------------------------- catalogue

@transaction.atomic
def categories_load(*, actor: Actor) -> int:
    """Create or update the mall's categories; re-running changes nothing. Returns how many exist."""
    changed = []
    for position, (code, name, name_en) in enumerate(CATEGORIES):
        category, created = Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "position": position})
        if not created and (category.name, category.name_en, category.position) != (name, name_en, position):
            category.name, category.name_en, category.position = name, name_en, position
            category.save(update_fields=["name", "name_en", "position"])
            changed.append(code)
        elif created:
            changed.append(code)
    if changed:
        audit_record(actor=actor, action="mall.categories_load", obj=Category.objects.get(code=CATEGORIES[0][0]), changes={"changed": changed})
    return Category.objects.count()


# ---------------------------------------------------------------------------------------------- accounts

def _text(value, field: str, *, max_length: int, required: bool = True) -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise DomainError("required", _("Wajib diisi."), field=field)
    if len(value) > max_length:
        raise DomainError("invalid", _("Paling banyak %(n)d karakter.") % {"n": max_length}, field=field)
    return value


def _phone(value: str, field: str = "phone") -> str:
    phone = re.sub(r"[\s.-]", "", value or "")
    if not PHONE_RE.match(phone):
        raise DomainError("invalid", _("Tulis nomor HP seperti 081234567890."), field=field)
    return phone


@transaction.atomic
def account_create(*, actor: Actor, username: str, password: str, full_name: str, email: str = ""):
    """A citizen account (buyer, and seller once they register a shop). It carries no staff role."""
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError("invalid", _("Nama pengguna 3-40 huruf kecil, angka, titik, tanda hubung atau garis bawah."), field="username")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise DomainError("duplicate", _("Nama pengguna %(name)s sudah dipakai.") % {"name": username}, field="username")
    full_name = _text(full_name, "full_name", max_length=150)
    user = User(username=username, email=(email or "").strip())
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise DomainError("invalid", " ".join(error.messages), field="password") from error
    first, _sep, last = full_name.partition(" ")
    user.first_name, user.last_name = first[:150], last[:150]
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # two sign-ups of one name at the same moment
        raise DomainError("duplicate", _("Nama pengguna %(name)s sudah dipakai.") % {"name": username}, field="username") from error
    audit_record(actor=actor, action="mall.account_create", obj=user, changes={"username": username})
    return user


# ---------------------------------------------------------------------------------------------- sellers

def _unique_slug(name: str, *, exclude_id: int | None = None) -> str:
    base = slugify(name)[:100] or "toko"
    slug, n = base, 1
    while Seller.objects.filter(slug=slug).exclude(pk=exclude_id).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _village(village: Area | None) -> Area:
    if village is None or village.kind not in (AreaKind.DESA, AreaKind.KELURAHAN):
        raise DomainError("invalid", _("Pilih desa atau kelurahan tempat usaha."), field="village")
    return village


def _age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _owner_check(*, nik: str, birth_date: dt.date | None) -> Person:
    """The registry's resident with this NIK and birth date, alive and living in the regency.

    A wrong NIK, a wrong birth date and a deceased resident all get the same answer, so that nobody
    can use the form to learn facts about someone else's NIK."""
    nik = (nik or "").strip()
    if not (len(nik) == 16 and nik.isdigit()):
        raise DomainError("invalid_nik", _("NIK terdiri dari 16 angka."), field="nik")
    if not isinstance(birth_date, dt.date):
        raise DomainError("required", _("Tanggal lahir pemilik wajib diisi."), field="birth_date")
    person = Person.objects.select_related("village").filter(nik=nik).first()
    if person is None or person.birth_date != birth_date or person.date_of_death is not None or not person.village.is_village:
        raise DomainError("identity_mismatch", _("NIK dan tanggal lahir tidak cocok dengan penduduk Banyuwangi yang tercatat."), field="nik")
    if _age_on(person.birth_date, timezone.localdate()) < SELLER_MIN_AGE:
        raise DomainError("too_young", _("Pemilik toko minimal berusia %(n)d tahun.") % {"n": SELLER_MIN_AGE}, field="birth_date")
    return person


def _bank(bank_name: str, bank_account: str, bank_holder: str) -> tuple[str, str, str]:
    bank_name = _text(bank_name, "bank_name", max_length=40, required=False)
    bank_account = re.sub(r"[\s.-]", "", bank_account or "")
    bank_holder = _text(bank_holder, "bank_holder", max_length=100, required=False)
    if bank_account and not (bank_account.isdigit() and 6 <= len(bank_account) <= 20):
        raise DomainError("invalid", _("Nomor rekening terdiri dari 6-20 angka."), field="bank_account")
    if bool(bank_name) != bool(bank_account):
        raise DomainError("invalid", _("Isi nama bank dan nomor rekening sekaligus, atau kosongkan keduanya."), field="bank_account")
    return bank_name, bank_account, bank_holder


@transaction.atomic
def seller_register(
    *, actor: Actor, user, nik: str, birth_date: dt.date | None, business_name: str, village: Area | None,
    category: Category | None, phone: str, description: str = "", bank_name: str = "", bank_account: str = "",
    bank_holder: str = "",
) -> Seller:
    """Register an UMKM shop for a citizen account; it waits for the cooperatives office's verification."""
    if user is None or not user.is_authenticated:
        raise DomainError("forbidden", _("Masuk dulu untuk mendaftarkan toko."))
    if Seller.objects.filter(user=user).exists():
        raise DomainError("duplicate", _("Akun ini sudah memiliki toko."), field="business_name")
    business_name = _text(business_name, "business_name", max_length=100)
    village = _village(village)
    if category is None:
        raise DomainError("required", _("Pilih kategori utama toko."), field="category")
    phone = _phone(phone)
    description = _text(description, "description", max_length=2000, required=False)
    bank_name, bank_account, bank_holder = _bank(bank_name, bank_account, bank_holder)
    owner = _owner_check(nik=nik, birth_date=birth_date)
    if Seller.objects.filter(owner=owner).exists():
        raise DomainError("duplicate", _("NIK ini sudah terdaftar sebagai pemilik toko."), field="nik")
    try:
        with transaction.atomic():
            seller = Seller.objects.create(
                user=user, owner=owner, business_name=business_name, slug=_unique_slug(business_name), village=village,
                category=category, description=description, phone=phone, bank_name=bank_name,
                bank_account=bank_account, bank_holder=bank_holder,
            )
    except IntegrityError as error:  # the same NIK or account at the same moment
        raise DomainError("duplicate", _("NIK atau akun ini sudah terdaftar sebagai pemilik toko."), field="nik") from error
    audit_record(actor=actor, action="mall.seller_register", obj=seller, village=village, changes={
        "owner_nik": mask_nik(owner.nik), "owner_id": owner.pk, "business_name": business_name, "category": category.code,
    })
    return seller


SELLER_EDITABLE = ("business_name", "village", "category", "phone", "description", "bank_name", "bank_account", "bank_holder")


@transaction.atomic
def seller_update(*, actor: Actor, seller: Seller, **changes) -> Seller:
    if actor.user_or_none is None or actor.user_or_none.pk != seller.user_id:
        raise DomainError("forbidden", _("Hanya pemilik toko yang boleh mengubahnya."))
    unknown = set(changes) - set(SELLER_EDITABLE)
    if unknown:
        raise DomainError("invalid", _("Tidak bisa mengubah %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    before = {k: str(getattr(seller, k)) for k in changes}
    if "business_name" in changes:
        seller.business_name = _text(changes["business_name"], "business_name", max_length=100)
    if "village" in changes:
        seller.village = _village(changes["village"])
    if "category" in changes:
        if changes["category"] is None:
            raise DomainError("required", _("Pilih kategori utama toko."), field="category")
        seller.category = changes["category"]
    if "phone" in changes:
        seller.phone = _phone(changes["phone"])
    if "description" in changes:
        seller.description = _text(changes["description"], "description", max_length=2000, required=False)
    if {"bank_name", "bank_account", "bank_holder"} & set(changes):
        seller.bank_name, seller.bank_account, seller.bank_holder = _bank(
            changes.get("bank_name", seller.bank_name), changes.get("bank_account", seller.bank_account),
            changes.get("bank_holder", seller.bank_holder))
    seller.save()
    if "village" in changes:
        Product.objects.filter(seller=seller).update(kecamatan=seller.village.parent_id)
    if "business_name" in changes:
        for product in Product.objects.filter(seller=seller).select_related("category"):
            Product.objects.filter(pk=product.pk).update(search_text=search_text_for(product.name, product.category, seller.business_name))
    audit_record(actor=actor, action="mall.seller_update", obj=seller, village=seller.village_id,
                 changes={k: [before[k], str(getattr(seller, k))] for k in changes})
    return seller


# What the office may decide, from which states.
SELLER_DECISIONS = {
    "verify": ({SellerStatus.PENDING, SellerStatus.REJECTED}, SellerStatus.VERIFIED),
    "reject": ({SellerStatus.PENDING}, SellerStatus.REJECTED),
    "suspend": ({SellerStatus.VERIFIED}, SellerStatus.SUSPENDED),
    "reinstate": ({SellerStatus.SUSPENDED}, SellerStatus.VERIFIED),
}


@transaction.atomic
def seller_decide(*, actor: Actor, seller: Seller, decision: str, reason: str = "") -> Seller:
    """The cooperatives office verifies, rejects, suspends or reinstates a shop."""
    if not is_office(actor.user_or_none):
        raise DomainError("forbidden", _("Hanya Dinas Koperasi dan UMKM yang memutuskan verifikasi toko."))
    if decision not in SELLER_DECISIONS:
        raise DomainError("invalid", _("Keputusan tidak dikenal: %(d)s.") % {"d": decision}, field="decision")
    allowed, to = SELLER_DECISIONS[decision]
    reason = _text(reason, "reason", max_length=300, required=decision in ("reject", "suspend"))
    now = timezone.now()
    updated = Seller.objects.filter(pk=seller.pk, status__in=allowed).update(
        status=to, status_reason=reason, decided_at=now, decided_by=actor.user_or_none)
    if not updated:
        seller.refresh_from_db()
        raise DomainError("conflict", _("Toko berstatus %(status)s tidak bisa diberi keputusan ini.") % {"status": seller.get_status_display().lower()}, field="decision")
    previous = seller.status
    seller.refresh_from_db()
    # Only a verified shop's active products are in the shop front.
    Product.objects.filter(seller=seller).update(listed=False)
    if to == SellerStatus.VERIFIED:
        Product.objects.filter(seller=seller, active=True).update(listed=True)
    audit_record(actor=actor, action=f"mall.seller_{decision}", obj=seller, village=seller.village_id,
                 changes={"status": [previous, to], "reason": reason})
    return seller


# ---------------------------------------------------------------------------------------------- products

def _int(value, field: str, *, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or value is None:
        raise DomainError("required", _("%(what)s wajib diisi.") % {"what": what}, field=field)
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise DomainError("invalid", _("%(what)s harus bilangan bulat.") % {"what": what}, field=field) from error
    if number != value and not isinstance(value, str):
        raise DomainError("invalid", _("%(what)s harus bilangan bulat.") % {"what": what}, field=field)
    if number < low:
        raise DomainError("invalid", (_("%(what)s tidak boleh negatif.") if number < 0 else _("%(what)s paling sedikit %(low)d.")) % {"what": what, "low": low}, field=field)
    if number > high:
        raise DomainError("invalid", _("%(what)s paling banyak %(high)s.") % {"what": what, "high": f"{high:,}".replace(",", ".")}, field=field)
    return number


def search_text_for(name: str, category: Category, shop: str) -> str:
    words = f"{name} {category.name} {category.name_en} {shop}"
    return " ".join(words.upper().split())[:400]


def _require_owner(actor: Actor, seller: Seller) -> None:
    user = actor.user_or_none
    if actor.via == "cli" and actor.user is None:
        return
    if user is None or user.pk != seller.user_id:
        raise DomainError("forbidden", _("Hanya pemilik toko yang boleh mengubah produknya."))


@transaction.atomic
def product_create(
    *, actor: Actor, seller: Seller, name: str, category: Category | None, price, stock, weight_grams,
    description: str = "", active: bool = True,
) -> Product:
    _require_owner(actor, seller)
    if seller.status in (SellerStatus.REJECTED, SellerStatus.SUSPENDED):
        raise DomainError("forbidden", _("Toko yang ditolak atau dibekukan tidak bisa menambah produk."))
    name = _text(name, "name", max_length=120)
    if category is None:
        raise DomainError("required", _("Pilih kategori produk."), field="category")
    description = _text(description, "description", max_length=4000, required=False)
    product = Product.objects.create(
        seller=seller, category=category, name=name, description=description,
        price=_int(price, "price", low=1, high=MAX_PRICE, what=_("Harga")),
        stock=_int(stock, "stock", low=0, high=MAX_STOCK, what=_("Stok")),
        weight_grams=_int(weight_grams, "weight_grams", low=1, high=MAX_WEIGHT_GRAMS, what=_("Berat")),
        active=bool(active), kecamatan_id=seller.village.parent_id,
        listed=bool(active) and seller.status == SellerStatus.VERIFIED,
        search_text=search_text_for(name, category, seller.business_name),
    )
    audit_record(actor=actor, action="mall.product_create", obj=product, village=seller.village_id,
                 changes={"name": name, "price": product.price, "stock": product.stock})
    return product


PRODUCT_EDITABLE = ("name", "category", "price", "stock", "weight_grams", "description", "active")


@transaction.atomic
def product_update(*, actor: Actor, product: Product, **changes) -> Product:
    """Change a product; the row is locked first, so a stock edit never overwrites an order taking stock."""
    unknown = set(changes) - set(PRODUCT_EDITABLE)
    if unknown:
        raise DomainError("invalid", _("Tidak bisa mengubah %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    product = Product.objects.select_for_update().select_related("seller", "category").get(pk=product.pk)
    _require_owner(actor, product.seller)
    before = {k: str(getattr(product, k)) for k in changes}
    if "name" in changes:
        product.name = _text(changes["name"], "name", max_length=120)
    if "category" in changes:
        if changes["category"] is None:
            raise DomainError("required", _("Pilih kategori produk."), field="category")
        product.category = changes["category"]
    if "price" in changes:
        product.price = _int(changes["price"], "price", low=1, high=MAX_PRICE, what=_("Harga"))
    if "stock" in changes:
        product.stock = _int(changes["stock"], "stock", low=0, high=MAX_STOCK, what=_("Stok"))
    if "weight_grams" in changes:
        product.weight_grams = _int(changes["weight_grams"], "weight_grams", low=1, high=MAX_WEIGHT_GRAMS, what=_("Berat"))
    if "description" in changes:
        product.description = _text(changes["description"], "description", max_length=4000, required=False)
    if "active" in changes:
        product.active = bool(changes["active"])
    product.listed = product.active and product.seller.status == SellerStatus.VERIFIED
    product.search_text = search_text_for(product.name, product.category, product.seller.business_name)
    product.save()
    audit_record(actor=actor, action="mall.product_update", obj=product, village=product.seller.village_id,
                 changes={k: [before[k], str(getattr(product, k))] for k in changes if before[k] != str(getattr(product, k))})
    return product


def product_photo_add(*, actor: Actor, product: Product, upload) -> ProductPhoto:
    """Check and store a photo (at most MAX_PHOTOS per product). A refused file stores nothing."""
    _require_owner(actor, product.seller)
    full, thumb, width, height = images.prepare_image(upload, field="photo")  # before any write
    stored = images.write_image(folder=f"mall/products/{product.pk}", full=full, thumb=thumb, width=width, height=height)
    try:
        with transaction.atomic():
            locked = Product.objects.select_for_update().get(pk=product.pk)
            count = ProductPhoto.objects.filter(product=locked).count()
            if count >= MAX_PHOTOS:
                raise DomainError("invalid", _("Satu produk paling banyak %(n)d foto.") % {"n": MAX_PHOTOS}, field="photo")
            photo = ProductPhoto.objects.create(product=locked, path=stored.path, thumb_path=stored.thumb_path,
                                                width=width, height=height, position=count)
            audit_record(actor=actor, action="mall.photo_add", obj=photo, village=product.seller.village_id,
                         changes={"product": product.pk, "width": width, "height": height})
    except BaseException:
        images.remove_files(stored.path, stored.thumb_path)
        raise
    return photo


def product_photo_remove(*, actor: Actor, photo: ProductPhoto) -> None:
    product = photo.product
    _require_owner(actor, product.seller)
    paths = (photo.path, photo.thumb_path)
    with transaction.atomic():
        audit_record(actor=actor, action="mall.photo_remove", obj=photo, village=product.seller.village_id, changes={"product": product.pk})
        photo.delete()
    images.remove_files(*paths)  # after the commit: a rolled-back delete keeps its files


# ---------------------------------------------------------------------------------------------- orders

@dataclass(frozen=True)
class Transition:
    to: str
    # role -> the states from which that role may take this action
    allowed_from: dict[str, frozenset[str]]
    note_required: bool = False


S = OrderStatus
TRANSITIONS: dict[str, Transition] = {
    "confirm": Transition(S.CONFIRMED, {"seller": frozenset({S.PENDING})}),
    "ship": Transition(S.SHIPPED, {"seller": frozenset({S.CONFIRMED})}),
    "complete": Transition(S.COMPLETED, {"seller": frozenset({S.SHIPPED}), "buyer": frozenset({S.SHIPPED})}),
    "cancel": Transition(S.CANCELLED, {
        "buyer": frozenset({S.AWAITING_PAYMENT, S.PENDING}),
        "seller": frozenset({S.AWAITING_PAYMENT, S.PENDING, S.CONFIRMED}),
    }, note_required=True),
}
# Uploading the transfer proof moves an order from AWAITING_PAYMENT to PENDING (order_payment_proof).


def order_role(user, order: Order) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if order.seller.user_id == user.pk:
        return "seller"
    if order.buyer_id == user.pk:
        return "buyer"
    if is_office(user):
        return "office"
    return None


def actions_for(user, order: Order) -> list[str]:
    role = order_role(user, order)
    return [name for name, t in TRANSITIONS.items() if order.status in t.allowed_from.get(role, ())]


def _event(order: Order, *, status: str, action: str, actor: Actor, role: str, note: str = "", at=None) -> OrderEvent:
    return OrderEvent.objects.create(order=order, at=at or timezone.now(), status=status, action=action,
                                     actor=actor.user_or_none, actor_role=role, note=note)


@dataclass(frozen=True)
class CartLine:
    product_id: int
    quantity: int


def _order_code(now: dt.datetime) -> str:
    return f"BWM-{timezone.localtime(now):%y%m%d}-{secrets.token_hex(4).upper()}"


@transaction.atomic
def order_place(
    *, actor: Actor, lines: list[CartLine], buyer_name: str, buyer_phone: str, shipping_address: str,
    shipping_village: Area | None, payment_method: str, note: str = "",
) -> list[Order]:
    """Place a cart: one order per shop. Either every line gets its stock, or nothing is saved."""
    buyer = actor.user_or_none
    if buyer is None:
        raise DomainError("forbidden", _("Masuk dulu untuk memesan."))
    if not lines:
        raise DomainError("empty_cart", _("Keranjang kosong."), field="lines")
    if payment_method not in PaymentMethod.values:
        raise DomainError("invalid", _("Pilih bayar di tempat atau transfer bank."), field="payment_method")
    buyer_name = _text(buyer_name, "buyer_name", max_length=100)
    buyer_phone = _phone(buyer_phone, "buyer_phone")
    shipping_address = _text(shipping_address, "shipping_address", max_length=300)
    note = _text(note, "note", max_length=300, required=False)
    if shipping_village is not None and not shipping_village.is_village:
        raise DomainError("invalid", _("Pilih desa atau kelurahan."), field="shipping_village")
    quantities: dict[int, int] = defaultdict(int)
    for line in lines:
        quantities[int(line.product_id)] += _int(line.quantity, "quantity", low=1, high=MAX_LINE_QUANTITY, what=_("Jumlah"))
    products = {p.pk: p for p in Product.objects.select_related("seller").filter(pk__in=list(quantities))}
    by_seller: dict[int, list[tuple[Product, int]]] = defaultdict(list)
    for product_id in sorted(quantities):  # a fixed order of row locks: no deadlock between two carts
        product = products.get(product_id)
        if product is None or not product.listed:
            raise DomainError("unavailable", _("Produk %(id)d tidak dijual lagi.") % {"id": product_id}, field="lines")
        if product.seller.user_id == buyer.pk:
            raise DomainError("invalid", _("Anda tidak bisa memesan dari toko sendiri."), field="lines")
        if payment_method == PaymentMethod.TRANSFER and not product.seller.accepts_transfer:
            raise DomainError("invalid", _("%(shop)s hanya menerima bayar di tempat.") % {"shop": product.seller.business_name}, field="payment_method")
        quantity = quantities[product_id]
        taken = Product.objects.filter(pk=product_id, listed=True, stock__gte=quantity).update(stock=F("stock") - quantity)
        if not taken:
            left = Product.objects.filter(pk=product_id).values_list("stock", flat=True).first() or 0
            raise DomainError("out_of_stock", _("Stok %(name)s tinggal %(left)d; Anda memesan %(qty)d.") % {"name": product.name, "left": left, "qty": quantity}, field="quantity")
        by_seller[product.seller_id].append((product, quantity))
    now = timezone.now()
    status = S.AWAITING_PAYMENT if payment_method == PaymentMethod.TRANSFER else S.PENDING
    orders = []
    for seller_lines in by_seller.values():
        seller = seller_lines[0][0].seller
        total = sum(p.price * q for p, q in seller_lines)
        order = Order.objects.create(
            code=_order_code(now), seller=seller, buyer=buyer, buyer_name=buyer_name, buyer_phone=buyer_phone,
            shipping_address=shipping_address, shipping_village=shipping_village, payment_method=payment_method,
            status=status, total=total, note=note, created_at=now,
        )
        OrderItem.objects.bulk_create([
            OrderItem(order=order, product=p, product_name=p.name, unit_price=p.price, quantity=q, subtotal=p.price * q)
            for p, q in seller_lines
        ])
        _event(order, status=status, action="place", actor=actor, role="buyer", note=note, at=now)
        audit_record(actor=actor, action="mall.order_place", obj=order, village=seller.village_id, changes={
            "total": total, "payment_method": payment_method, "lines": [[p.pk, q, p.price] for p, q in seller_lines],
        })
        orders.append(order)
    return orders


def _restock(order: Order) -> None:
    for product_id, quantity in OrderItem.objects.filter(order=order).values_list("product_id", "quantity").order_by("product_id"):
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)


@transaction.atomic
def order_act(*, actor: Actor, order: Order, action: str, note: str = "", tracking_number: str = "") -> Order:
    """Move an order along its state machine (TRANSITIONS); cancelling puts the stock back."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise DomainError("invalid", _("Tindakan tidak dikenal: %(a)s.") % {"a": action}, field="action")
    role = order_role(actor.user_or_none, order)
    if role not in transition.allowed_from:
        raise DomainError("forbidden", _("Anda tidak boleh melakukan tindakan ini pada pesanan tersebut."))
    note = _text(note, "note", max_length=300, required=transition.note_required)
    tracking_number = _text(tracking_number, "tracking_number", max_length=60, required=False)
    fields = {"status": transition.to, "updated_at": timezone.now()}
    if action == "ship" and tracking_number:
        fields["tracking_number"] = tracking_number
    # Conditional on the current state, so two clicks (or a buyer and a seller at once) cannot both win.
    moved = Order.objects.filter(pk=order.pk, status__in=transition.allowed_from[role]).update(**fields)
    if not moved:
        order.refresh_from_db()
        raise DomainError("conflict", _("Pesanan berstatus %(status)s; tindakan ini tidak bisa dilakukan.") % {"status": order.get_status_display().lower()}, field="action")
    previous = order.status
    order.refresh_from_db()
    if action == "cancel":
        _restock(order)
    _event(order, status=transition.to, action=action, actor=actor, role=role, note=note or tracking_number)
    audit_record(actor=actor, action=f"mall.order_{action}", obj=order, village=order.seller.village_id,
                 changes={"status": [previous, transition.to], "note": note})
    return order


def order_payment_proof(*, actor: Actor, order: Order, upload) -> Order:
    """The buyer's proof of a bank transfer (a photo or screenshot); the order then waits for the seller."""
    if order_role(actor.user_or_none, order) != "buyer":
        raise DomainError("forbidden", _("Hanya pembeli yang mengunggah bukti transfer."))
    if order.payment_method != PaymentMethod.TRANSFER:
        raise DomainError("invalid", _("Pesanan ini dibayar di tempat."), field="proof")
    if order.status not in (S.AWAITING_PAYMENT, S.PENDING):
        raise DomainError("conflict", _("Penjual sudah memproses pesanan ini."), field="proof")
    full, thumb, width, height = images.prepare_image(upload, field="proof")
    replaced = order.payment_proof_path
    stored = images.write_image(folder=f"mall/proofs/{order.pk}", full=full, thumb=thumb, width=width, height=height)
    try:
        with transaction.atomic():
            moved = Order.objects.filter(pk=order.pk, status__in=(S.AWAITING_PAYMENT, S.PENDING)).update(
                status=S.PENDING, payment_proof_path=stored.path, updated_at=timezone.now())
            if not moved:
                raise DomainError("conflict", _("Penjual sudah memproses pesanan ini."), field="proof")
            previous = order.status
            order.refresh_from_db()
            _event(order, status=S.PENDING, action="pay", actor=actor, role="buyer", note="bukti transfer")
            audit_record(actor=actor, action="mall.order_pay", obj=order, village=order.seller.village_id,
                         changes={"status": [previous, S.PENDING]})
    except BaseException:
        images.remove_files(stored.path, stored.thumb_path)
        raise
    if replaced:
        images.remove_files(replaced, replaced.replace(".jpg", "-thumb.jpg"))
    return order
