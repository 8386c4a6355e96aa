"""The same form sent twice creates once.

A form that creates something (a draft, a message, an export) carries a random key made when
the form was shown (``IdempotentFormMixin``). The service creates inside ``once``: the first
request with a key records it in the same transaction as what it creates; a second request
with the same key — a double click, the browser resending after an error page, a retry after
a timeout — finds the record and gets the first result back instead of a copy. Keys are per
person and per kind of create; old records are removed after ``KEEP_DAYS``.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotencyKey

FIELD = "idempotency_key"
KEEP_DAYS = 7
_VALID = re.compile(r"^[0-9a-f]{32}$")


def new_key() -> str:
    return uuid.uuid4().hex


class IdempotentFormMixin:
    """Adds the hidden ``idempotency_key`` field, filled when the form is shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=new_key
        )

    @property
    def idempotency_key(self) -> str:
        value = (self.data.get(self.add_prefix(FIELD)) or "") if self.is_bound else ""
        return value if _VALID.match(value) else ""


def once(user, scope: str, key: str, create, find):
    """``create()`` unless ``user`` already created with ``key`` in ``scope``; then
    ``find(result)`` of the first time. Returns (object, created). Without a key (an old page,
    a script) it simply creates. Call inside the caller's transaction or not: it makes its own.

    ``create`` returns the new object; its ``pk`` is recorded as the result.
    """
    if not key or not _VALID.match(key):
        return create(), True
    existing = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()
    if existing is not None:
        found = find(existing.result) if existing.result else None
        if found is not None:
            return found, False
        existing.delete()  # what it made is gone: this send makes it again
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(user=user, scope=scope, key=key)
            created = create()
            record.result = str(created.pk)
            record.save(update_fields=["result"])
    except IntegrityError:
        # The same key arrived twice at once: the other request created; give back its result.
        record = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()
        if record is None:
            raise  # not our key's constraint: a real error of the create
        return find(record.result), False
    return created, True


def prune(now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
