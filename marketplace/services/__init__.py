"""Catalog writes: products and variants, images, CSV imports, categories."""
