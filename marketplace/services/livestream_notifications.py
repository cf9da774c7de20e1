"""Tell a seller's followers that a stream was scheduled or started: a notification row and an email each.

Fanned out in batches (``LIVESTREAM_NOTIFY_BATCH_SIZE`` followers per task) so that a seller with
100,000 followers never holds up the request that starts the stream: the request only enqueues
one task on commit, which cuts the followers into id ranges and enqueues one task per range.

Each batch is safe to run twice: rows are unique per (user, dedupe key), and an email is sent
only for the rows this run claimed (``emailed_at`` set in a short transaction with SKIP LOCKED),
after that transaction committed, so no row lock is held across the mail server's network call.
A worker lost between claim and send loses those emails rather than sending them twice.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string, select_template
from django.utils import timezone

from accounts.models import Notification
from accounts.services import notifications_create
from marketplace.models import LiveStream
from sellers.models import SellerFollower

KINDS = ("scheduled", "started")
EMAIL_LANGUAGES = ("en", "ru", "zh")


def notification_language(user: Any) -> str:
    base = (getattr(user, "preferred_language", "") or "").lower().split("-")[0]
    return base if base in EMAIL_LANGUAGES else "en"


def follower_batches(*, seller_id: int, batch_size: int) -> list[tuple[int, int | None]]:
    """Follower id ranges ``(after, upto]`` of at most ``batch_size`` followers each (the last is open)."""
    ranges: list[tuple[int, int | None]] = []
    after = 0
    followers = SellerFollower.objects.filter(seller_id=seller_id).order_by("pk").values_list("pk", flat=True)
    while True:
        upto = followers.filter(pk__gt=after)[batch_size - 1 : batch_size].first()
        if upto is None:
            if followers.filter(pk__gt=after).exists():
                ranges.append((after, None))
            return ranges
        ranges.append((after, upto))
        after = upto


def _dedupe_key(stream: LiveStream, kind: str) -> str:
    return f"livestream:{stream.pk}:{kind}"


def _render(language: str, kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    def one(name: str) -> str:
        template = select_template([f"emails/{language}/{name}", f"emails/{name}"])
        return render_to_string(template.template.name, context)

    subject = " ".join(one(f"livestream_{kind}_subject.txt").split())
    return subject, one(f"livestream_{kind}.txt"), one(f"livestream_{kind}.html")


def livestream_followers_notify_batch(*, stream_id: int, kind: str, after: int, upto: int | None) -> int:
    """Notify the followers with ids in ``(after, upto]``; returns how many emails this run sent."""
    if kind not in KINDS:
        raise ValueError(f"Unknown livestream notification {kind!r}")
    stream = LiveStream.objects.select_related("seller").filter(pk=stream_id).first()
    if stream is None:
        return 0
    followers = SellerFollower.objects.filter(seller_id=stream.seller_id, pk__gt=after).select_related("user")
    if upto is not None:
        followers = followers.filter(pk__lte=upto)
    users = [follower.user for follower in followers.order_by("pk") if follower.user.is_active]
    key = _dedupe_key(stream, kind)
    rendered: dict[str, tuple[str, str, str]] = {}
    rows = []
    for user in users:
        language = notification_language(user)
        if language not in rendered:
            rendered[language] = _render(language, kind, {"stream": stream, "seller": stream.seller})
        subject, text, _html = rendered[language]
        rows.append(
            Notification(
                user=user,
                kind=f"livestream_{kind}",
                title=subject[:200],
                body=text.strip(),
                data={"livestream": stream.pk, "seller": stream.seller_id, "status": stream.status},
                dedupe_key=key,
            )
        )
    notifications_create(rows=rows)
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(user__in=users, dedupe_key=key, emailed_at__isnull=True)
            .select_related("user")
        )
        Notification.objects.filter(pk__in=[row.pk for row in claimed]).update(emailed_at=timezone.now())
    messages = []
    for notification in claimed:
        subject, text, html = rendered[notification_language(notification.user)]
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [notification.user.email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
