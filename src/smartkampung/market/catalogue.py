"""The mall's categories: what Banyuwangi's UMKM make and sell. A real deployment loads these without any
synthetic data (`smartkampung load_mall_categories`, and `synth` does it too)."""

from __future__ import annotations

# (code, Bahasa Indonesia, English)
CATEGORIES = (
    ("batik", "Batik", "Batik"),
    ("fashion", "Fesyen", "Fashion"),
    ("kerajinan", "Kerajinan", "Crafts"),
    ("makanan-olahan", "Makanan olahan", "Processed food"),
    ("aksesoris", "Aksesoris", "Accessories"),
    ("suvenir", "Suvenir", "Souvenirs"),
    ("furnitur", "Furnitur", "Furniture"),
)
