"""Mall endpoints under /api/v1/mall/: the public catalogue; orders for logged-in buyers; a seller's
products; the cooperatives office's figures and decisions. Thin: parse, call, shape."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area
from smartkampung.core.services import token_user

from . import selectors, services
from .models import Category, Order, Product
from .roles import is_office, seller_of
from .schemas import (
    CategoryOut,
    DecisionIn,
    OrderActionIn,
    OrderIn,
    OrderOut,
    ProductIn,
    ProductOut,
    ProductPageOut,
    ProductPatch,
    SellerOfficeOut,
)

router = Router(tags=["mall"])
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class AccountSession(SessionAuth):
    """Any logged-in account (citizens are buyers and sellers; they hold no staff role)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


class AccountBearer(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return user


ACCOUNT_AUTH = [AccountBearer(), AccountSession()]


def _actor(request):
    return actor_from_request(request, via="api")


def _product_out(p: Product, photo_ids: list[int] | None = None) -> dict:
    ids = photo_ids if photo_ids is not None else ([p.photo_id] if getattr(p, "photo_id", None) else [])
    return {
        "id": p.pk, "name": p.name, "category": p.category.code, "price": p.price, "stock": p.stock, "weight_grams": p.weight_grams,
        "description": p.description,
        "seller": {"slug": p.seller.slug, "business_name": p.seller.business_name, "village": p.seller.village.name, "kecamatan": p.kecamatan.name},
        "photos": [reverse("market:photo", args=[i, "besar"]) for i in ids], "url": reverse("market:product", args=[p.pk]),
    }


def _category(code: str | None) -> Category | None:
    category = Category.objects.filter(code=code).first() if code else None
    if code and category is None:
        raise DomainError("invalid", _("Kategori %(code)s tidak dikenal.") % {"code": code}, field="category")
    return category


@router.get("/mall/categories", response=list[CategoryOut], summary="The mall's categories")
def categories(request):
    return [{"code": c.code, "name": c.name, "name_en": c.name_en} for c in selectors.categories()]


class ShopQuery(Schema):
    q: str = ""
    category: str = ""
    kecamatan: str = ""
    in_stock: bool = False
    sort: str = "baru"
    page: int = 1
    page_size: int = 24


@router.get("/mall/products", response=ProductPageOut, summary="Search the shop (listed products only)")
def products(request, query: Query[ShopQuery]):
    page = selectors.shop_search(q=query.q, category=query.category, kecamatan=query.kecamatan, in_stock=query.in_stock,
                                 sort=query.sort, page=query.page, page_size=query.page_size)
    return {"total": page.total, "page": page.page, "pages": page.pages, "items": [_product_out(p) for p in page.products]}


@router.get("/mall/products/{product_id}", response={200: ProductOut, **ERRORS}, summary="One product")
def product(request, product_id: int):
    found = selectors.product_for_shop(product_id=product_id, user=request.user)
    return _product_out(found, [ph.pk for ph in found.photos.all()])


def _order_out(request, order: Order) -> dict:
    return {
        "code": order.code, "status": order.status, "payment_method": order.payment_method, "total": order.total,
        "seller": order.seller.business_name,
        "items": [{"product_id": i.product_id, "product_name": i.product_name, "unit_price": i.unit_price, "quantity": i.quantity, "subtotal": i.subtotal}
                  for i in order.items.all()],
        "timeline": [{"at": e.at, "status": e.status, "action": e.action, "actor_role": e.actor_role, "note": e.note} for e in order.events.all()],
        "actions": services.actions_for(request.user, order),
    }


@router.post("/mall/orders", auth=ACCOUNT_AUTH, response={201: list[OrderOut], **ERRORS}, summary="Place an order (one per shop); all or nothing")
def order_place(request, payload: OrderIn):
    village = None
    if payload.shipping_village_code:
        village = Area.objects.filter(code=payload.shipping_village_code).first()
        if village is None:
            raise DomainError("invalid", _("Desa %(code)s tidak dikenal.") % {"code": payload.shipping_village_code}, field="shipping_village_code")
    orders = services.order_place(
        actor=_actor(request), lines=[services.CartLine(product_id=line.product_id, quantity=line.quantity) for line in payload.lines],
        buyer_name=payload.buyer_name, buyer_phone=payload.buyer_phone, shipping_address=payload.shipping_address,
        shipping_village=village, payment_method=payload.payment_method, note=payload.note,
    )
    return Status(201, [_order_out(request, selectors.order_for(user=request.user, code=o.code)) for o in orders])


@router.get("/mall/orders/{code}", auth=ACCOUNT_AUTH, response={200: OrderOut, **ERRORS}, summary="An order (its buyer, seller or the office)")
def order_detail(request, code: str):
    return _order_out(request, selectors.order_for(user=request.user, code=code))


@router.post("/mall/orders/{code}/actions", auth=ACCOUNT_AUTH, response={200: OrderOut, **ERRORS}, summary="confirm, ship, complete or cancel")
def order_action(request, code: str, payload: OrderActionIn):
    order = selectors.order_for(user=request.user, code=code)
    services.order_act(actor=_actor(request), order=order, action=payload.action, note=payload.note, tracking_number=payload.tracking_number)
    return _order_out(request, selectors.order_for(user=request.user, code=code))


def _own_seller(request):
    seller = seller_of(request.user)
    if seller is None:
        raise DomainError("not_found", _("Akun ini belum punya toko."))
    return seller


@router.post("/mall/seller/products", auth=ACCOUNT_AUTH, response={201: ProductOut, **ERRORS}, summary="Add a product to your shop")
def product_create(request, payload: ProductIn):
    seller = _own_seller(request)
    data = payload.dict()
    data["category"] = _category(data["category"])
    created = services.product_create(actor=_actor(request), seller=seller, **data)
    return Status(201, _product_out(selectors.product_for_shop(product_id=created.pk, user=request.user), []))


@router.patch("/mall/seller/products/{product_id}", auth=ACCOUNT_AUTH, response={200: ProductOut, **ERRORS}, summary="Change a product of your shop")
def product_update(request, product_id: int, payload: ProductPatch):
    seller = _own_seller(request)
    found = Product.objects.filter(pk=product_id, seller=seller).first()
    if found is None:
        raise DomainError("not_found", _("Produk %(id)s tidak ada di toko Anda.") % {"id": product_id})
    changes = payload.dict(exclude_unset=True)
    if "category" in changes:
        changes["category"] = _category(changes["category"])
    services.product_update(actor=_actor(request), product=found, **changes)
    fresh = selectors.product_for_shop(product_id=product_id, user=request.user)
    return _product_out(fresh, [ph.pk for ph in fresh.photos.all()])


def _require_office(request) -> None:
    if not is_office(request.user):
        raise DomainError("forbidden", _("Khusus untuk Dinas Koperasi dan UMKM."))


@router.get("/mall/office/figures", auth=ACCOUNT_AUTH, response={200: dict, **ERRORS}, summary="The whole mall's figures (office)")
def office_figures(request):
    _require_office(request)
    return selectors.mall_figures()


@router.get("/mall/office/sellers", auth=ACCOUNT_AUTH, response={200: list[SellerOfficeOut], **ERRORS}, summary="Shops by status (office)")
def office_sellers(request, status: str = ""):
    _require_office(request)
    return [{"id": s.pk, "business_name": s.business_name, "slug": s.slug, "status": s.status, "category": s.category.code,
             "village_code": s.village.code, "village": s.village.name, "owner_nik_masked": services.mask_nik(s.owner.nik),
             "created_at": s.created_at} for s in selectors.office_sellers(status=status)]


@router.post("/mall/office/sellers/{seller_id}/decision", auth=ACCOUNT_AUTH, response={200: SellerOfficeOut, **ERRORS},
             summary="Verify, reject, suspend or reinstate a shop (office)")
def office_decide(request, seller_id: int, payload: DecisionIn):
    seller = selectors.office_seller_open(actor=_actor(request), seller_id=seller_id)
    s = services.seller_decide(actor=_actor(request), seller=seller, decision=payload.decision, reason=payload.reason)
    return {"id": s.pk, "business_name": s.business_name, "slug": s.slug, "status": s.status, "category": s.category.code,
            "village_code": s.village.code, "village": s.village.name, "owner_nik_masked": services.mask_nik(s.owner.nik), "created_at": s.created_at}
