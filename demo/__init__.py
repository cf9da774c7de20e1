"""Demo data for `make run`: the seed_demo command and its steps (never imported by domain code)."""
