"""marketplace models."""
