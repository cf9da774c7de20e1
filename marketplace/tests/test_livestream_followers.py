"""Followers and notifications: follow a seller, hear when its streams are scheduled or start, in batches."""

import pytest
from django.core import mail

from accounts.models import Notification
from marketplace.services.livestream_notifications import follower_batches
from marketplace.tasks import livestream_followers_notify_task
from marketplace.tests.live_factories import stream_for
from sellers.models import SellerFollower
from sellers.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["ru", "zh-hans", "en", "", "kk", "ru", "zh"]


def test_follow_unfollow_and_following_list(client_for, api_client, cast) -> None:  # type: ignore[no-untyped-def]
    buyer = client_for(cast.buyer)
    url = f"/api/v1/sellers/{cast.seller_a.pk}/follow/"
    assert api_client.post(url).status_code == 401
    assert buyer.post(url).status_code == 200
    assert buyer.post(url).status_code == 200  # following twice is one follow
    assert buyer.post(f"/api/v1/sellers/{cast.seller_b.pk}/follow/").status_code == 200
    assert buyer.post("/api/v1/sellers/999999/follow/").status_code == 404
    following = buyer.get("/api/v1/me/following/")
    assert [row["seller"]["display_name"] for row in following.data["results"]] == [
        "Samarkand Orchards",
        "Yiwu Digital",
    ]
    assert buyer.delete(url).status_code == 204
    assert [row["seller"]["id"] for row in buyer.get("/api/v1/me/following/").data["results"]] == [cast.seller_b.pk]
    assert SellerFollower.objects.filter(user=cast.buyer).count() == 1


def test_starting_a_stream_notifies_every_follower_in_their_language(
    client_for, cast, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.LIVESTREAM_NOTIFY_BATCH_SIZE = 3
    followers = [UserFactory(email=f"fan{n}@example.com", preferred_language=lang) for n, lang in enumerate(LANGUAGES)]
    for user in followers:
        SellerFollower.objects.create(seller=cast.seller_a, user=user)
    gone = UserFactory(email="gone@example.com", is_active=False)
    SellerFollower.objects.create(seller=cast.seller_a, user=gone)
    SellerFollower.objects.create(seller=cast.seller_b, user=cast.buyer)  # follows another seller only
    stream = stream_for(seller=cast.seller_a, status="scheduled", title="Kettles at factory prices")

    # 8 followers in batches of 3: three id ranges, together exactly the followers.
    ranges = follower_batches(seller_id=cast.seller_a.pk, batch_size=3)
    assert len(ranges) == 3
    covered = [
        pk
        for after, upto in ranges
        for pk in SellerFollower.objects.filter(seller=cast.seller_a, pk__gt=after)
        .filter(**({"pk__lte": upto} if upto else {}))
        .values_list("pk", flat=True)
    ]
    assert sorted(covered) == sorted(SellerFollower.objects.filter(seller=cast.seller_a).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.owner_a).post(f"/api/v1/seller/livestreams/{stream.pk}/start/")
    assert response.status_code == 200
    notes = Notification.objects.filter(kind="livestream_started")
    assert sorted(notes.values_list("user__email", flat=True)) == sorted(user.email for user in followers)
    assert len(mail.outbox) == len(followers)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["fan0@example.com"] == "Yiwu Digital в прямом эфире: Kettles at factory prices"
    assert subjects["fan1@example.com"] == "Yiwu Digital 正在直播：Kettles at factory prices"
    assert subjects["fan2@example.com"] == "Yiwu Digital is live now: Kettles at factory prices"
    assert subjects["fan4@example.com"].startswith("Yiwu Digital is live now")  # no Kazakh template: English

    # A redelivered fan-out writes no second row and sends no second email.
    assert livestream_followers_notify_task.apply(args=(stream.pk, "started")).get() == 3
    assert notes.count() == len(followers)
    assert len(mail.outbox) == len(followers)


def test_scheduling_notifies_followers(client_for, cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    SellerFollower.objects.create(seller=cast.seller_a, user=cast.buyer)
    body = {
        "title": "Autumn teapots",
        "host": "Wang Fang",
        "language": "zh",
        "stream_url": "https://live.example.cn/teapots",
        "scheduled_start": "2026-10-01T12:00:00Z",
        "scheduled_end": "2026-10-01T13:00:00Z",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(cast.staff_a).post("/api/v1/seller/livestreams/", body, format="json").status_code == 201
    (note,) = Notification.objects.filter(user=cast.buyer)
    assert note.kind == "livestream_scheduled" and "Autumn teapots" in note.title
    assert "2026" in note.body and "https://live.example.cn/teapots" in note.body


def test_notifications_api_is_own_and_marks_read(client_for, cast) -> None:  # type: ignore[no-untyped-def]
    mine = Notification.objects.create(user=cast.buyer, kind="livestream_started", title="A", dedupe_key="a")
    newer = Notification.objects.create(user=cast.buyer, kind="livestream_started", title="B", dedupe_key="b")
    theirs = Notification.objects.create(user=cast.owner_b, kind="livestream_started", title="C", dedupe_key="c")
    client = client_for(cast.buyer)
    listed = client.get("/api/v1/me/notifications/")
    assert [row["title"] for row in listed.data["results"]] == ["B", "A"]
    read = client.post(f"/api/v1/me/notifications/{mine.pk}/read/")
    assert read.status_code == 200 and read.data["is_read"] is True
    unread = client.get("/api/v1/me/notifications/?unread=true")
    assert [row["id"] for row in unread.data["results"]] == [newer.pk]
    assert client.post(f"/api/v1/me/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
