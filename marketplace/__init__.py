"""Marketplace: the catalog (categories, products, variants, images, CSV imports) and public browse API."""
