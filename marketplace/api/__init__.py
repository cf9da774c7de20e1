"""Catalog HTTP endpoints: the seller's catalog tools and the public browse API."""
