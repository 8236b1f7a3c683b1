"""Mall pages: the public shop and cart, the buyer's orders, the seller's shop, the office. Thin: parse,
call a selector or service, render. A refusal shows on the form field it names, nothing is saved."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area
from smartkampung.core.views import refusal_page

from . import images, selectors, services
from .forms import CheckoutForm, PhotoForm, ProductForm, ProofForm, SellerForm, SellerRegisterForm, SignupForm
from .models import Category, OrderStatus, PaymentMethod, Product, ProductPhoto, SellerStatus
from .roles import is_office, seller_of

CART_KEY = "mall_cart"


# A DomainError (not found, forbidden...) becomes a readable page with its status.
mall_page = refusal_page("market/error.html")


def office_page(view):
    @login_required
    @mall_page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_office(request.user):
            raise DomainError("forbidden", _("Halaman ini untuk Dinas Koperasi dan UMKM."))
        return view(request, *args, **kwargs)

    return wrapper


def seller_page(view):
    """The logged-in user's own shop; without one, the registration form."""

    @login_required
    @mall_page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seller = seller_of(request.user)
        if seller is None:
            return redirect("market:seller_register")
        return view(request, seller, *args, **kwargs)

    return wrapper


def _apply_error(form, error: DomainError) -> None:
    if error.code in ("forbidden", "not_found"):
        raise error
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _village(code: str) -> Area | None:
    return Area.objects.filter(code=code).first() if code else None


def _category(code: str) -> Category | None:
    return Category.objects.filter(code=code).first() if code else None


# ---------------------------------------------------------------------------------------------- public shop

@mall_page
def shop(request):
    q = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("kategori", "")
    kecamatan = request.GET.get("kecamatan", "")
    sort = request.GET.get("urut", "baru")
    in_stock = request.GET.get("tersedia") == "1"
    try:
        page_no = int(request.GET.get("hal", "1"))
    except ValueError:
        page_no = 1
    page = selectors.shop_search(q=q, category=category, kecamatan=kecamatan, sort=sort, in_stock=in_stock, page=page_no)
    params = {k: v for k, v in {"q": q, "kategori": category, "kecamatan": kecamatan, "urut": sort if sort != "baru" else "",
                                "tersedia": "1" if in_stock else ""}.items() if v}
    return render(request, "market/shop.html", {
        "page": page, "q": q, "category": category, "kecamatan": kecamatan, "sort": sort, "in_stock": in_stock,
        "categories": selectors.categories(), "kecamatan_list": selectors.kecamatan_list(),
        "query_base": urlencode(params), "cart_count": _cart_count(request),
    })


@mall_page
def product_page(request, product_id: int):
    product = selectors.product_for_shop(product_id=product_id, user=request.user)
    return render(request, "market/product.html", {"product": product, "photos": list(product.photos.all()), "cart_count": _cart_count(request)})


@mall_page
def seller_shop(request, slug: str):
    seller = selectors.seller_public(slug=slug)
    try:
        page_no = int(request.GET.get("hal", "1"))
    except ValueError:
        page_no = 1
    page = selectors.shop_search(seller_slug=slug, page=page_no)
    return render(request, "market/seller_shop.html", {"seller": seller, "page": page, "query_base": "", "cart_count": _cart_count(request)})


def _file(relative: str):
    path = images.media_path(relative)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def photo(request, photo_id: int, size: str):
    try:
        found = selectors.photo_visible(photo_id=photo_id, user=request.user)
    except DomainError:
        raise Http404 from None
    return _file(found.thumb_path if size == "kecil" else found.path)


# ---------------------------------------------------------------------------------------------- cart

def _cart(request) -> dict[str, int]:
    cart = request.session.get(CART_KEY)
    return cart if isinstance(cart, dict) else {}


def _cart_count(request) -> int:
    return sum(int(q) for q in _cart(request).values())


def _cart_lines(request):
    cart = _cart(request)
    products = selectors.cart_products([int(pid) for pid in cart])
    lines, total = [], 0
    for pid, qty in cart.items():
        product = products.get(int(pid))
        if product is None:
            continue
        subtotal = product.price * int(qty)
        total += subtotal
        lines.append({"product": product, "quantity": int(qty), "subtotal": subtotal,
                      "problem": "" if product.listed and product.stock >= int(qty) else
                      (_("Tidak dijual lagi") if not product.listed else _("Stok tinggal %(n)d") % {"n": product.stock})})
    return lines, total


def cart(request):
    if request.method == "POST":
        cart = dict(_cart(request))
        action = request.POST.get("action", "add")
        product_id = request.POST.get("product", "")
        if not product_id.isdigit():
            messages.error(request, _("Produk tidak dikenal."))
            return redirect("market:cart")
        try:
            quantity = int(request.POST.get("quantity", "1"))
        except ValueError:
            quantity = 0
        product = Product.objects.filter(pk=int(product_id), listed=True).first()
        if action == "remove" or (action == "set" and quantity == 0):
            cart.pop(product_id, None)
        elif product is None:
            messages.error(request, _("Produk ini tidak dijual lagi."))
        elif quantity < 1 or quantity > services.MAX_LINE_QUANTITY:
            messages.error(request, _("Jumlah harus antara 1 dan %(n)d.") % {"n": services.MAX_LINE_QUANTITY})
        else:
            new = quantity + (int(cart.get(product_id, 0)) if action == "add" else 0)
            if new > product.stock:
                messages.error(request, _("Stok %(name)s tinggal %(left)d.") % {"name": product.name, "left": product.stock})
            else:
                cart[product_id] = new
                if action == "add":
                    messages.success(request, _("%(name)s masuk keranjang.") % {"name": product.name})
        request.session[CART_KEY] = cart
        return redirect("market:cart")
    lines, total = _cart_lines(request)
    return render(request, "market/cart.html", {"lines": lines, "total": total, "cart_count": _cart_count(request)})


@login_required
@mall_page
def checkout(request):
    lines, total = _cart_lines(request)
    if not lines:
        return redirect("market:cart")
    initial = {"buyer_name": request.user.get_full_name(), "payment_method": PaymentMethod.COD}
    form = CheckoutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            orders = services.order_place(
                actor=actor_from_request(request),
                lines=[services.CartLine(product_id=line["product"].pk, quantity=line["quantity"]) for line in lines],
                buyer_name=data["buyer_name"], buyer_phone=data["buyer_phone"], shipping_address=data["shipping_address"],
                shipping_village=_village(data["shipping_village"]), payment_method=data["payment_method"], note=data["note"],
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            request.session[CART_KEY] = {}
            messages.success(request, _("Pesanan %(codes)s tercatat.") % {"codes": ", ".join(o.code for o in orders)})
            return redirect("market:order", code=orders[0].code) if len(orders) == 1 else redirect("market:orders")
    return render(request, "market/checkout.html", {"form": form, "lines": lines, "total": total, "cart_count": _cart_count(request)},
                  status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------------- orders

@login_required
def orders(request):
    return render(request, "market/orders.html", {"orders": selectors.buyer_orders(user=request.user), "cart_count": _cart_count(request)})


@login_required
@mall_page
def order_page(request, code: str):
    order = selectors.order_for(user=request.user, code=code)
    proof_form = ProofForm()
    error = None
    if request.method == "POST":
        try:
            if "proof" in request.FILES or request.POST.get("action") == "pay":
                proof_form = ProofForm(request.POST, request.FILES)
                if not proof_form.is_valid():
                    raise DomainError("invalid", _("Pilih berkas bukti transfer."), field="proof")
                services.order_payment_proof(actor=actor_from_request(request), order=order, upload=request.FILES["proof"])
                messages.success(request, _("Bukti transfer terkirim; menunggu konfirmasi penjual."))
            else:
                action = request.POST.get("action", "")
                services.order_act(actor=actor_from_request(request), order=order, action=action,
                                   note=request.POST.get("note", ""), tracking_number=request.POST.get("tracking_number", ""))
                messages.success(request, _("Pesanan %(code)s: %(status)s.") % {
                    "code": order.code, "status": OrderStatus(services.TRANSITIONS[action].to).label})
            return redirect("market:order", code=code)
        except DomainError as refused:
            if refused.code in ("forbidden", "not_found"):
                raise
            error = refused.message
            order = selectors.order_for(user=request.user, code=code)
    role = services.order_role(request.user, order)
    return render(request, "market/order.html", {
        "order": order, "items": list(order.items.all()), "events": list(order.events.all()), "role": role,
        "actions": services.actions_for(request.user, order), "proof_form": proof_form, "error": error,
        "can_upload_proof": role == "buyer" and order.payment_method == PaymentMethod.TRANSFER
        and order.status in (OrderStatus.AWAITING_PAYMENT, OrderStatus.PENDING),
        "cart_count": _cart_count(request),
    }, status=400 if error else 200)


@login_required
def order_proof(request, code: str):
    try:
        order = selectors.order_for(user=request.user, code=code)
    except DomainError:
        raise Http404 from None
    if not order.payment_proof_path:
        raise Http404
    response = _file(order.payment_proof_path)
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------- accounts

def signup(request):
    form = SignupForm(request.POST or None)
    next_url = request.GET.get("next") or request.POST.get("next") or reverse("market:shop")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("market:shop")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_create(actor=actor_from_request(request), username=data["username"], password=data["password"],
                                           full_name=data["full_name"], email=data["email"])
        except DomainError as error:
            _apply_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Akun %(name)s dibuat. Selamat datang!") % {"name": user.username})
            return redirect(next_url)
    return render(request, "market/signup.html", {"form": form, "next": next_url}, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------------- sellers

@login_required
@mall_page
def seller_register(request):
    if seller_of(request.user) is not None:
        return redirect("market:seller_home")
    form = SellerRegisterForm(request.POST or None, initial={"phone": ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            seller = services.seller_register(
                actor=actor_from_request(request), user=request.user, nik=data["nik"], birth_date=data["birth_date"],
                business_name=data["business_name"], village=_village(data["village"]), category=_category(data["category"]),
                phone=data["phone"], description=data["description"], bank_name=data["bank_name"],
                bank_account=data["bank_account"], bank_holder=data["bank_holder"],
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Toko %(name)s terdaftar dan menunggu verifikasi Dinas Koperasi dan UMKM.") % {"name": seller.business_name})
            return redirect("market:seller_home")
    return render(request, "market/seller_register.html", {"form": form}, status=400 if form.errors else 200)


@seller_page
def seller_home(request, seller):
    return render(request, "market/seller_home.html", {
        "seller": seller, "sales": selectors.seller_sales(seller=seller), "products": selectors.seller_products(seller=seller),
        "orders": selectors.seller_orders(seller=seller)[:20], "statuses": OrderStatus,
    })


@seller_page
def seller_edit(request, seller):
    initial = {"business_name": seller.business_name, "village": seller.village.code, "category": seller.category.code,
               "phone": seller.phone, "description": seller.description, "bank_name": seller.bank_name,
               "bank_account": seller.bank_account, "bank_holder": seller.bank_holder}
    form = SellerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["village"], data["category"] = _village(data["village"]), _category(data["category"])
        try:
            services.seller_update(actor=actor_from_request(request), seller=seller, **data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Data toko tersimpan."))
            return redirect("market:seller_home")
    return render(request, "market/form.html", {"form": form, "title": _("Ubah data toko"), "back": reverse("market:seller_home")},
                  status=400 if form.errors else 200)


@seller_page
def seller_orders(request, seller):
    status = request.GET.get("status", "")
    return render(request, "market/seller_orders.html", {"seller": seller, "orders": selectors.seller_orders(seller=seller, status=status),
                                                         "status": status, "statuses": OrderStatus.choices})


@seller_page
def product_new(request, seller):
    form = ProductForm(request.POST or None, initial={"category": seller.category.code, "active": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["category"] = _category(data["category"])
        try:
            product = services.product_create(actor=actor_from_request(request), seller=seller, **data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Produk %(name)s tersimpan. Tambahkan fotonya.") % {"name": product.name})
            return redirect("market:product_edit", product_id=product.pk)
    return render(request, "market/form.html", {"form": form, "title": _("Produk baru"), "back": reverse("market:seller_home")},
                  status=400 if form.errors else 200)


@seller_page
def product_edit(request, seller, product_id: int):
    product = Product.objects.filter(pk=product_id, seller=seller).select_related("category").first()
    if product is None:
        raise DomainError("not_found", _("Produk tidak ditemukan di toko Anda."))
    initial = {f: getattr(product, f) for f in ("name", "price", "stock", "weight_grams", "description", "active")}
    initial["category"] = product.category.code
    form = ProductForm(initial=initial)
    photo_form = PhotoForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "photo":
                photo_form = PhotoForm(request.POST, request.FILES)
                if not photo_form.is_valid():
                    raise DomainError("required", _("Pilih berkas foto."), field="photo")
                services.product_photo_add(actor=actor_from_request(request), product=product, upload=request.FILES["photo"])
                messages.success(request, _("Foto tersimpan."))
                return redirect("market:product_edit", product_id=product.pk)
            if request.POST.get("action") == "remove_photo":
                photo = ProductPhoto.objects.filter(pk=request.POST.get("photo", "0") or 0, product=product).first()
                if photo is not None:
                    services.product_photo_remove(actor=actor_from_request(request), photo=photo)
                messages.success(request, _("Foto dihapus."))
                return redirect("market:product_edit", product_id=product.pk)
            form = ProductForm(request.POST)
            if form.is_valid():
                data = dict(form.cleaned_data)
                data["category"] = _category(data["category"])
                services.product_update(actor=actor_from_request(request), product=product, **data)
                messages.success(request, _("Produk tersimpan."))
                return redirect("market:seller_home")
        except DomainError as error:
            _apply_error(photo_form if error.field == "photo" else form, error)
    return render(request, "market/product_edit.html", {
        "form": form, "photo_form": photo_form, "product": product, "photos": list(product.photos.all()),
        "max_photos": services.MAX_PHOTOS,
    }, status=400 if (form.errors or photo_form.errors) else 200)


# ---------------------------------------------------------------------------------------------- office

@office_page
def office_home(request):
    return render(request, "market/office_home.html", {"figures": selectors.mall_figures(), "statuses": OrderStatus, "seller_statuses": SellerStatus})


@office_page
def office_sellers(request):
    status = request.GET.get("status", SellerStatus.PENDING)
    q = request.GET.get("q", "").strip()
    return render(request, "market/office_sellers.html", {
        "sellers": selectors.office_sellers(status=status if status != "semua" else "", q=q), "status": status, "q": q,
        "statuses": SellerStatus.choices,
    })


@office_page
def office_seller(request, seller_id: int):
    seller = selectors.office_seller_open(actor=actor_from_request(request), seller_id=seller_id)
    error = None
    if request.method == "POST":
        try:
            services.seller_decide(actor=actor_from_request(request), seller=seller, decision=request.POST.get("decision", ""),
                                   reason=request.POST.get("reason", ""))
        except DomainError as refused:
            if refused.code == "forbidden":
                raise
            error = refused.message
        else:
            messages.success(request, _("Keputusan untuk %(name)s tersimpan.") % {"name": seller.business_name})
            return redirect("market:office_seller", seller_id=seller.pk)
    return render(request, "market/office_seller.html", {
        "seller": seller, "owner_nik": services.mask_nik(seller.owner.nik), "error": error,
        "decisions": [d for d, (allowed, _to) in services.SELLER_DECISIONS.items() if seller.status in allowed],
        "sales": selectors.seller_sales(seller=seller),
    }, status=400 if error else 200)
