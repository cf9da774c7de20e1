"""The double-entry money ledger: postings of balanced lines, per currency, in integer minor units.

Every money movement (a buyer's charge, the platform's commission, a refund, a transfer to a
seller) is one ``LedgerPosting`` with a unique key, so posting it twice is impossible, and lines
that sum to zero in each currency. Amounts are signed integers in the currency's minor unit
(debits positive, credits negative), so sums are exact and "zero difference" means zero.
"""

from django.db import models

from core.money import CURRENCY_CHOICES


class LedgerAccount(models.TextChoices):
    CASH = "cash", "Cash at the payment provider (platform balance)"
    SELLER_PAYABLE = "seller_payable", "Owed to the seller"
    COMMISSION = "commission", "Platform commission (revenue)"
    FEES = "fees", "Shipping and duties collected (owed to carriers and customs)"


class PostingKind(models.TextChoices):
    CHARGE = "charge", "Buyer charge"
    COMMISSION = "commission", "Platform commission"
    REFUND = "refund", "Refund"
    COMMISSION_REVERSAL = "commission_reversal", "Commission returned on a refund"
    TRANSFER = "transfer", "Transfer to the seller"


class LedgerPosting(models.Model):
    key = models.CharField(max_length=120, unique=True, help_text="e.g. charge:<payment id>, refund:<refund id>.")
    kind = models.CharField(max_length=20, choices=PostingKind.choices)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="ledger_postings")
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.key


class LedgerEntry(models.Model):
    posting = models.ForeignKey(LedgerPosting, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=20, choices=LedgerAccount.choices)
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    seller_order = models.ForeignKey(
        "orders.SellerOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=20, choices=PostingKind.choices)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    amount_minor = models.BigIntegerField(help_text="Signed, in the currency's minor unit: debit +, credit −.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["seller", "currency", "account"], name="ledger_seller_balance"),
            models.Index(fields=["currency", "account"], name="ledger_account_balance"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_minor} {self.currency}"
