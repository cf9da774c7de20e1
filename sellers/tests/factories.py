"""Factories for sellers and their members (teammates import these; keep them stable)."""

import factory

from sellers.models import MemberRole, PayoutStatus, Seller, SellerMember


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"seller-user{n}@example.com")
    password = factory.django.Password("correct-horse-battery-9")


class SellerFactory(factory.django.DjangoModelFactory):
    """A seller from China paying in CNY; ``owner=user`` attaches an owner membership."""

    class Meta:
        model = Seller
        skip_postgeneration_save = True

    display_name = factory.Sequence(lambda n: f"Seller {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.display_name} Co., Ltd.")
    country = "CN"
    currency = "CNY"
    payout_status = PayoutStatus.PENDING

    @factory.post_generation
    def owner(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted is not None:
            SellerMember.objects.create(seller=self, user=extracted, role=MemberRole.OWNER)


class SellerMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellerMember

    seller = factory.SubFactory(SellerFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.STAFF
