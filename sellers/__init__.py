"""Sellers: onboarding of SCO-country sellers, members and roles, payout accounts, commission."""
