"""Mall pages: /mall/ (public shop, cart, buyer's orders), /mall/penjual/ (sellers), /mall/kantor/ (office)."""

from django.urls import path

from . import views

app_name = "market"
urlpatterns = [
    path("mall/", views.shop, name="shop"),
    path("mall/produk/<int:product_id>/", views.product_page, name="product"),
    path("mall/toko/<slug:slug>/", views.seller_shop, name="seller_shop"),
    path("mall/foto/<int:photo_id>/<str:size>.jpg", views.photo, name="photo"),
    path("mall/keranjang/", views.cart, name="cart"),
    path("mall/keranjang/pesan/", views.checkout, name="checkout"),
    path("mall/pesanan/", views.orders, name="orders"),
    path("mall/pesanan/<str:code>/", views.order_page, name="order"),
    path("mall/pesanan/<str:code>/bukti.jpg", views.order_proof, name="order_proof"),
    path("mall/daftar/", views.signup, name="signup"),
    path("mall/penjual/", views.seller_home, name="seller_home"),
    path("mall/penjual/daftar/", views.seller_register, name="seller_register"),
    path("mall/penjual/toko/", views.seller_edit, name="seller_edit"),
    path("mall/penjual/pesanan/", views.seller_orders, name="seller_orders"),
    path("mall/penjual/produk/baru/", views.product_new, name="product_new"),
    path("mall/penjual/produk/<int:product_id>/", views.product_edit, name="product_edit"),
    path("mall/kantor/", views.office_home, name="office_home"),
    path("mall/kantor/penjual/", views.office_sellers, name="office_sellers"),
    path("mall/kantor/penjual/<int:seller_id>/", views.office_seller, name="office_seller"),
]
