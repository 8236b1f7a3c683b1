"""Banyuwangi Mall: UMKM sellers, their products with photos, and orders with a timeline.

Money is whole rupiah (no sen in retail). Stock is guarded by the database: a CHECK constraint keeps it
at zero or more, and orders take stock with one conditional UPDATE (services.order_place), so two buyers
of the last item cannot both get it, whichever process or machine serves them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area
from smartkampung.registry.models import Person


class Category(models.Model):
    """A mall category (batik, fashion, ...): a catalogue loaded by services.categories_load."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)  # Bahasa Indonesia
    name_en = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class SellerStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu verifikasi")
    VERIFIED = "verified", _("Terverifikasi")
    REJECTED = "rejected", _("Ditolak")
    SUSPENDED = "suspended", _("Dibekukan")


class Seller(models.Model):
    """An UMKM shop, owned by a resident (checked against the registry) and run from a citizen account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mall_seller")
    # The owner as the registry knows them; the NIK itself is never shown publicly (see nik_masked).
    owner = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="mall_seller")
    business_name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="mall_sellers")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="sellers")
    description = models.TextField(blank=True)
    phone = models.CharField(max_length=20)
    bank_name = models.CharField(max_length=40, blank=True)
    bank_account = models.CharField(max_length=30, blank=True)
    bank_holder = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=SellerStatus.choices, default=SellerStatus.PENDING)
    status_reason = models.CharField(max_length=300, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["business_name"]
        indexes = [models.Index(fields=["status", "village"], name="seller_status_village")]

    def __str__(self) -> str:
        return self.business_name

    @property
    def accepts_transfer(self) -> bool:
        return bool(self.bank_name and self.bank_account)


class Product(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=120)
    # Upper-cased words of the name, the category and the shop, for search (LIKE on one short column: the
    # same on SQLite and PostgreSQL). Kept short on purpose: it is scanned on every search.
    search_text = models.CharField(max_length=400, editable=False, default="")
    description = models.TextField(blank=True)
    price = models.PositiveBigIntegerField()  # rupiah
    stock = models.IntegerField()
    weight_grams = models.PositiveIntegerField()
    active = models.BooleanField(default=True)
    # The seller's village and kecamatan repeated for the shop's filters (set by services from the seller).
    kecamatan = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    listed = models.BooleanField(default=False, editable=False)  # active and the seller verified: shown in the shop
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="product_price_positive"),
            models.CheckConstraint(condition=Q(weight_grams__gt=0), name="product_weight_positive"),
        ]
        indexes = [
            models.Index(fields=["listed", "category", "-id"], name="product_listed_category"),
            models.Index(fields=["listed", "kecamatan", "-id"], name="product_listed_kecamatan"),
            models.Index(fields=["listed", "-id"], name="product_listed"),
            models.Index(fields=["seller", "-id"], name="product_seller"),
            # A word search is LIKE '%WORD%' (no index can seek it); this index holds both columns, so the
            # count and the filter scan a few hundred kilobytes of index instead of the product rows.
            models.Index(fields=["listed", "search_text"], name="product_listed_search"),
            models.Index(fields=["listed", "category", "price"], name="product_listed_cat_price"),
            models.Index(fields=["listed", "price"], name="product_listed_price"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductPhoto(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    # Paths under MEDIA_ROOT of the re-encoded JPEG and its thumbnail (images.store_image).
    path = models.CharField(max_length=200)
    thumb_path = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of product {self.product_id}"


class PaymentMethod(models.TextChoices):
    COD = "cod", _("Bayar di tempat (COD)")
    TRANSFER = "transfer", _("Transfer bank")


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Menunggu pembayaran")
    PENDING = "pending", _("Menunggu konfirmasi penjual")
    CONFIRMED = "confirmed", _("Dikonfirmasi")
    SHIPPED = "shipped", _("Dikirim")
    COMPLETED = "completed", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class Order(models.Model):
    """One buyer's order from one seller (a cart with several shops becomes several orders)."""

    code = models.CharField(max_length=20, unique=True)
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mall_orders")
    buyer_name = models.CharField(max_length=100)
    buyer_phone = models.CharField(max_length=20)
    shipping_address = models.CharField(max_length=300)
    shipping_village = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")  # None: outside the regency
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    status = models.CharField(max_length=20, choices=OrderStatus.choices)
    total = models.PositiveBigIntegerField()  # rupiah, the sum of the lines
    note = models.CharField(max_length=300, blank=True)
    tracking_number = models.CharField(max_length=60, blank=True)
    payment_proof_path = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["seller", "status", "created_at"], name="order_seller_status"),
            models.Index(fields=["buyer", "created_at"], name="order_buyer"),
            models.Index(fields=["status", "created_at"], name="order_status"),
        ]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="order_total_positive")]

    def __str__(self) -> str:
        return self.code


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_items")
    product_name = models.CharField(max_length=120)  # as it was when ordered
    unit_price = models.PositiveBigIntegerField()
    quantity = models.PositiveIntegerField()
    subtotal = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderitem_quantity_positive"),
            models.CheckConstraint(condition=Q(subtotal=F("unit_price") * F("quantity")), name="orderitem_subtotal"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class OrderEvent(models.Model):
    """The order's timeline: every change of state, who made it and why. Rows are only ever added."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=OrderStatus.choices)
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_role = models.CharField(max_length=10)  # buyer, seller, office, system
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action} → {self.status}"
