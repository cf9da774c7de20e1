"""sellers models."""
