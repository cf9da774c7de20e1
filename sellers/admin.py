"""Admin for sellers, their members and invitations (commission is editable here only)."""

from django.contrib import admin

from sellers.models import Seller, SellerInvitation, SellerMember


class SellerMemberInline(admin.TabularInline):
    model = SellerMember
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["id", "display_name", "country", "currency", "commission_percent", "payout_status", "created_at"]
    list_filter = ["country", "payout_status", "currency"]
    search_fields = ["display_name", "legal_name", "stripe_account_id", "members__user__email"]
    readonly_fields = ["created_at"]
    inlines = [SellerMemberInline]


@admin.register(SellerMember)
class SellerMemberAdmin(admin.ModelAdmin):
    list_display = ["id", "seller", "user", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["seller__display_name", "user__email"]
    autocomplete_fields = ["seller", "user"]


@admin.register(SellerInvitation)
class SellerInvitationAdmin(admin.ModelAdmin):
    list_display = ["id", "seller", "email", "role", "status", "created_at", "accepted_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "seller__display_name"]
    readonly_fields = ["token", "created_at", "accepted_at"]
    autocomplete_fields = ["seller"]
