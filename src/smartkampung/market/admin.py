"""Admin for the mall (imported by name from urls.py): read-mostly; changes go through the pages and services."""

from django.contrib import admin

from .models import Category, Order, OrderEvent, OrderItem, Product, Seller


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "position")


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ("business_name", "status", "category", "village", "created_at")
    list_filter = ("status", "category")
    search_fields = ("business_name", "slug")
    readonly_fields = [f.name for f in Seller._meta.fields]  # decisions go through seller_decide (audited)
    raw_id_fields = ("owner", "user")

    def has_add_permission(self, request):
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "seller", "category", "price", "stock", "listed")
    list_filter = ("listed", "category")
    search_fields = ("name",)
    readonly_fields = [f.name for f in Product._meta.fields]  # stock changes only through services (F() updates)

    def has_add_permission(self, request):
        return False


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    readonly_fields = ("product", "product_name", "unit_price", "quantity", "subtotal")


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "status", "action", "actor", "actor_role", "note")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("code", "seller", "status", "payment_method", "total", "created_at")
    list_filter = ("status", "payment_method")
    search_fields = ("code",)
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = (OrderItemInline, OrderEventInline)

    def has_add_permission(self, request):
        return False
