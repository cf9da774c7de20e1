"""Set-up for the burst test of `make run`'s server, run as its own process against the embedded default's files.

``python -m demo.tests.burst_scenario BUYERS STOCK`` (with KARAVAN_VAR_DIR) builds a small market:
a seller whose owner can pin, a live stream, one variant with STOCK units in a warehouse, and
BUYERS buyers, each with an API token and that variant in their cart. Prints the ids as JSON.
"""

import json
import os
import sys

import django


def main(buyers: int, stock: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    from accounts.models import User
    from accounts.services import api_token_issue, api_tokens_issue_many
    from core.services import exchange_rates_seed_offline
    from marketplace.tests.live_factories import stream_for
    from orders.models import Cart, CartItem
    from orders.tests.factories import market_build, variant_in_stock
    from sellers.models import MemberRole, SellerMember
    from warehouses.transport.services import network_load_seed

    exchange_rates_seed_offline()
    network_load_seed()
    market = market_build()
    hot = variant_in_stock(seller=market.seller_a, warehouse=market.lianyungang, quantity=stock, price="99.00")
    owner = User.objects.create_user(email="owner@burst.example.com", password="burst-owner-9")
    SellerMember.objects.create(seller=market.seller_a, user=owner, role=MemberRole.OWNER)
    stream = stream_for(seller=market.seller_a)
    User.objects.bulk_create(User(email=f"buyer{n}@burst.example.com", password="!") for n in range(buyers))
    users = list(User.objects.filter(email__startswith="buyer").order_by("pk"))
    tokens = api_tokens_issue_many(users=users)
    carts = Cart.objects.bulk_create(Cart(user=user) for user in users)
    CartItem.objects.bulk_create(CartItem(cart=cart, variant=hot, quantity=1) for cart in carts)
    print(
        json.dumps(
            {
                "buyers": tokens,
                "owner": api_token_issue(user=owner).key,
                "stream": stream.pk,
                "sku": hot.sku,
                "variant": hot.pk,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
