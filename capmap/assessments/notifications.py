"""In-app notifications and e-mail for assessment events (sent once the change commits)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from .models import Notification


def notify(recipients: Iterable, text: str, link: str = "") -> list[Notification]:
    users = {user.pk: user for user in recipients if user is not None}
    created = [
        Notification.objects.create(recipient=user, text=text[:300], link=link)
        for user in users.values()
    ]
    addresses = [user.email for user in users.values() if user.email]
    if addresses:
        body = f"{text}\n\n{link}" if link else text

        def send() -> None:
            for address in addresses:
                send_mail(f"Capmap: {text}"[:150], body, settings.DEFAULT_FROM_EMAIL, [address])

        transaction.on_commit(send)
    return created
