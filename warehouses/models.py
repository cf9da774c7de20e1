"""warehouses models."""
