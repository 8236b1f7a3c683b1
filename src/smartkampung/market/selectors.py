"""Reads of the Banyuwangi Mall: the public shop front, a seller's own shop, the office's figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind

from .models import Category, Order, OrderItem, OrderStatus, Product, ProductPhoto, Seller, SellerStatus
from .roles import is_office

PAGE_SIZE = 24
SORTS = {"baru": ("-id",), "termurah": ("price", "id"), "termahal": ("-price", "-id")}  # one direction: an index walk
# Orders that count as sales: not cancelled. Revenue counts only completed orders.
LIVE_STATUSES = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


def categories() -> list[Category]:
    return list(Category.objects.all())


def kecamatan_list() -> list[Area]:
    return list(Area.objects.filter(kind=AreaKind.KECAMATAN).order_by("name"))


@dataclass(frozen=True)
class ShopPage:
    products: list[Product]
    total: int
    page: int
    pages: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def shop_search(*, q: str = "", category: str = "", kecamatan: str = "", seller_slug: str = "", in_stock: bool = False,
                sort: str = "baru", page: int = 1, page_size: int = PAGE_SIZE) -> ShopPage:
    """Listed products (active, from a verified shop) matching every word of q, with the filters."""
    products = Product.objects.filter(listed=True)
    for word in q.upper().split()[:6]:
        products = products.filter(search_text__contains=word[:40])
    # Codes become ids first, so the (listed, category, ...) and (listed, kecamatan, ...) indexes apply directly.
    if category:
        products = products.filter(category_id=Category.objects.filter(code=category).values_list("id", flat=True).first() or 0)
    if kecamatan:
        products = products.filter(kecamatan_id=Area.objects.filter(code=kecamatan, kind=AreaKind.KECAMATAN).values_list("id", flat=True).first() or 0)
    if seller_slug:
        products = products.filter(seller__slug=seller_slug)
    if in_stock:
        products = products.filter(stock__gt=0)
    total = products.count()
    page_size = max(1, min(page_size, 100))
    pages = max(1, -(-total // page_size))
    page = max(1, min(int(page), pages))
    rows = list(products.select_related("seller__village", "kecamatan", "category")
                .order_by(*SORTS.get(sort, SORTS["baru"]))[(page - 1) * page_size: page * page_size])
    _attach_first_photos(rows)
    return ShopPage(products=rows, total=total, page=page, pages=pages, page_size=page_size)


def _attach_first_photos(products: list[Product]) -> None:
    """product.photo_id = its first photo, in one query for the page (not a subquery per sorted row)."""
    first: dict[int, int] = {}
    for product_id, photo_id in (ProductPhoto.objects.filter(product_id__in=[p.pk for p in products])
                                 .order_by("product_id", "-position", "-id").values_list("product_id", "id")):
        first[product_id] = photo_id  # the last one written per product is its first in (position, id) order
    for product in products:
        product.photo_id = first.get(product.pk)


def product_for_shop(*, product_id: int, user=None) -> Product:
    """A product as the shop shows it; an unlisted one only to its seller and the office."""
    product = (Product.objects.select_related("seller__village__parent", "category", "kecamatan")
               .prefetch_related("photos").filter(pk=product_id).first())
    if product is None:
        raise DomainError("not_found", _("Produk tidak ditemukan."))
    if not product.listed and not (user is not None and (product.seller.user_id == getattr(user, "pk", None) or is_office(user))):
        raise DomainError("not_found", _("Produk tidak ditemukan."))
    return product


def seller_public(*, slug: str) -> Seller:
    seller = Seller.objects.select_related("village__parent", "category").filter(slug=slug, status=SellerStatus.VERIFIED).first()
    if seller is None:
        raise DomainError("not_found", _("Toko tidak ditemukan."))
    return seller


def photo_visible(*, photo_id: int, user=None) -> ProductPhoto:
    photo = ProductPhoto.objects.select_related("product__seller").filter(pk=photo_id).first()
    if photo is None:
        raise DomainError("not_found", _("Foto tidak ditemukan."))
    product = photo.product
    if not product.listed and not (user is not None and (product.seller.user_id == getattr(user, "pk", None) or is_office(user))):
        raise DomainError("not_found", _("Foto tidak ditemukan."))
    return photo


def cart_products(product_ids: list[int]) -> dict[int, Product]:
    products = list(Product.objects.select_related("seller").filter(pk__in=product_ids))
    _attach_first_photos(products)
    return {p.pk: p for p in products}


# ---------------------------------------------------------------------------------------------- orders

def order_for(*, user, code: str) -> Order:
    """An order for its buyer, its seller or the office; anyone else gets not-found."""
    order = (Order.objects.select_related("seller__user", "seller__village", "buyer", "shipping_village__parent")
             .prefetch_related("items", "events").filter(code=code).first())
    if order is None or not (order.buyer_id == user.pk or order.seller.user_id == user.pk or is_office(user)):
        raise DomainError("not_found", _("Pesanan tidak ditemukan."))
    return order


def buyer_orders(*, user) -> list[Order]:
    return list(Order.objects.select_related("seller").filter(buyer=user).order_by("-created_at", "-id")[:100])


def seller_orders(*, seller: Seller, status: str = "") -> list[Order]:
    orders = Order.objects.filter(seller=seller)
    if status:
        orders = orders.filter(status=status)
    return list(orders.annotate(item_count=Sum("items__quantity")).order_by("-created_at", "-id")[:200])


def seller_products(*, seller: Seller) -> list[Product]:
    products = list(Product.objects.filter(seller=seller).select_related("category").order_by("name", "id"))
    _attach_first_photos(products)
    return products


def _by_month(orders, months: int = 12) -> list[dict]:
    since = timezone.now() - dt.timedelta(days=31 * months)
    rows = (orders.filter(created_at__gte=since, status__in=LIVE_STATUSES).annotate(month=TruncMonth("created_at"))
            .values("month").annotate(orders=Count("id"), amount=Sum("total")).order_by("month"))
    return [{"month": r["month"].strftime("%Y-%m") if r["month"] else "", "orders": r["orders"], "amount": r["amount"] or 0} for r in rows]


def _status_counts(orders) -> dict[str, int]:
    counts = dict(orders.values_list("status").annotate(n=Count("id")).order_by())
    return {s: counts.get(s, 0) for s in OrderStatus.values}


def seller_sales(*, seller: Seller) -> dict:
    """What a shop sold: orders by state, revenue (completed orders), units, best sellers, by month."""
    orders = Order.objects.filter(seller=seller)
    items = OrderItem.objects.filter(order__seller=seller, order__status__in=LIVE_STATUSES)
    top = (items.values("product_id", "product_name").annotate(units=Sum("quantity"), amount=Sum("subtotal"))
           .order_by("-units", "product_id")[:5])
    return {
        "by_status": _status_counts(orders),
        "revenue": orders.filter(status=OrderStatus.COMPLETED).aggregate(s=Sum("total"))["s"] or 0,
        "in_progress": orders.filter(status__in=(OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPED)).aggregate(s=Sum("total"))["s"] or 0,
        "units_sold": items.aggregate(s=Sum("quantity"))["s"] or 0,
        "top_products": list(top),
        "by_month": _by_month(orders),
        "products": Product.objects.filter(seller=seller).count(),
        "out_of_stock": Product.objects.filter(seller=seller, active=True, stock=0).count(),
    }


def mall_figures() -> dict:
    """The whole mall, for the cooperatives office."""
    orders = Order.objects.all()
    live_items = OrderItem.objects.filter(order__status__in=LIVE_STATUSES)
    sellers = dict(Seller.objects.values_list("status").annotate(n=Count("id")).order_by())
    by_category = {row["category__code"]: row for row in (
        Product.objects.filter(listed=True).values("category__code", "category__name")
        .annotate(products=Count("id"), stock=Sum("stock")).order_by())}
    sold_by_category = dict(live_items.values_list("product__category__code").annotate(n=Sum("subtotal")).order_by())
    categories_rows = [
        {"code": c.code, "name": c.name, "products": by_category.get(c.code, {}).get("products", 0),
         "stock": by_category.get(c.code, {}).get("stock", 0) or 0, "sales": sold_by_category.get(c.code, 0) or 0}
        for c in Category.objects.all()
    ]
    kecamatan_rows = list(
        Seller.objects.filter(status=SellerStatus.VERIFIED).values("village__parent__code", "village__parent__name")
        .annotate(sellers=Count("id")).order_by("village__parent__name"))
    sales_by_kecamatan = dict(orders.filter(status__in=LIVE_STATUSES).values_list("seller__village__parent__code").annotate(s=Sum("total")).order_by())
    top_sellers = list(
        orders.filter(status__in=LIVE_STATUSES).values("seller_id", "seller__business_name", "seller__slug")
        .annotate(orders=Count("id"), amount=Sum("total")).order_by("-amount", "seller_id")[:10])
    return {
        "sellers": {s: sellers.get(s, 0) for s in SellerStatus.values},
        "products_listed": Product.objects.filter(listed=True).count(),
        "products_out_of_stock": Product.objects.filter(listed=True, stock=0).count(),
        "orders": _status_counts(orders),
        "revenue_completed": orders.filter(status=OrderStatus.COMPLETED).aggregate(s=Sum("total"))["s"] or 0,
        "value_in_progress": orders.filter(status__in=(OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPED)).aggregate(s=Sum("total"))["s"] or 0,
        "units_sold": live_items.aggregate(s=Sum("quantity"))["s"] or 0,
        "by_category": categories_rows,
        "by_kecamatan": [{"code": r["village__parent__code"], "name": r["village__parent__name"], "sellers": r["sellers"],
                          "sales": sales_by_kecamatan.get(r["village__parent__code"], 0) or 0} for r in kecamatan_rows],
        "top_sellers": top_sellers,
        "by_month": _by_month(orders),
    }


def office_sellers(*, status: str = "", q: str = "") -> list[Seller]:
    sellers = Seller.objects.select_related("village__parent", "category", "owner").annotate(
        product_count=Count("products"),
        has_orders=Exists(Order.objects.filter(seller=OuterRef("pk"))),
    )
    if status:
        sellers = sellers.filter(status=status)
    if q:
        sellers = sellers.filter(Q(business_name__icontains=q) | Q(village__name__icontains=q))
    return list(sellers.order_by("status", "created_at", "id")[:500])


def office_seller_open(*, actor: Actor, seller_id: int) -> Seller:
    """A shop with its owner (a resident) for the office; the read is in the audit trail."""
    if not is_office(actor.user_or_none):
        raise DomainError("forbidden", _("Halaman ini untuk Dinas Koperasi dan UMKM."))
    seller = Seller.objects.select_related("village__parent", "category", "owner", "user", "decided_by").filter(pk=seller_id).first()
    if seller is None:
        raise DomainError("not_found", _("Toko tidak ditemukan."))
    audit_record(actor=actor, action="mall.seller_view", obj=seller, village=seller.village_id, changes={"owner_id": seller.owner_id})
    return seller


def app_stats() -> dict:
    return {"market": {
        "sellers": Seller.objects.count(),
        "sellers_verified": Seller.objects.filter(status=SellerStatus.VERIFIED).count(),
        "sellers_pending": Seller.objects.filter(status=SellerStatus.PENDING).count(),
        "products": Product.objects.count(),
        "products_listed": Product.objects.filter(listed=True).count(),
        "orders": Order.objects.count(),
        "orders_open": Order.objects.filter(status__in=(OrderStatus.AWAITING_PAYMENT, OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPED)).count(),
    }}
