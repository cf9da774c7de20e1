"""Accounts: the email-login user, roles derived from memberships, token auth."""
