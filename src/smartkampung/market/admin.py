"""Admin for this app (imported by name from urls.py)."""
