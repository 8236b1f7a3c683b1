from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str


class ShopOut(Schema):
    slug: str
    business_name: str
    village: str
    kecamatan: str


class ProductOut(Schema):
    id: int
    name: str
    category: str
    price: int = Field(description="rupiah")
    stock: int
    weight_grams: int
    description: str
    seller: ShopOut
    photos: list[str]
    url: str


class ProductPageOut(Schema):
    total: int
    page: int
    pages: int
    items: list[ProductOut]


class ProductIn(Schema):
    name: str
    category: str
    price: int
    stock: int
    weight_grams: int
    description: str = ""
    active: bool = True


class ProductPatch(Schema):
    name: str | None = None
    category: str | None = None
    price: int | None = None
    stock: int | None = None
    weight_grams: int | None = None
    description: str | None = None
    active: bool | None = None


class LineIn(Schema):
    product_id: int
    quantity: int


class OrderIn(Schema):
    lines: list[LineIn]
    buyer_name: str
    buyer_phone: str
    shipping_address: str
    shipping_village_code: str | None = None
    payment_method: str = "cod"
    note: str = ""


class OrderItemOut(Schema):
    product_id: int
    product_name: str
    unit_price: int
    quantity: int
    subtotal: int


class OrderEventOut(Schema):
    at: dt.datetime
    status: str
    action: str
    actor_role: str
    note: str


class OrderOut(Schema):
    code: str
    status: str
    payment_method: str
    total: int
    seller: str
    items: list[OrderItemOut]
    timeline: list[OrderEventOut]
    actions: list[str]


class OrderActionIn(Schema):
    action: str
    note: str = ""
    tracking_number: str = ""


class DecisionIn(Schema):
    decision: str
    reason: str = ""


class SellerOfficeOut(Schema):
    id: int
    business_name: str
    slug: str
    status: str
    category: str
    village_code: str
    village: str
    owner_nik_masked: str
    created_at: dt.datetime
