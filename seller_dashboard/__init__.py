"""The seller dashboard: server-rendered pages at /seller/ for a seller's members (issue 14).

Interface code only: every read goes through the apps' selectors and every write through their
services, with the API's membership checks (``sellers.selectors.seller_membership_for_user``).
"""
