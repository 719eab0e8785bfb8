"""Pseudonymising contact ids in analyst-facing outputs (the exports).

The one place where a contact id becomes a pseudonym: ``HMAC-SHA256(key, contact_id)`` as 64 hex
digits. The same id always gives the same pseudonym under the same key, so analysts can still
count and join per contact; without the key (CONSENT_GATE_PSEUDONYMISE_KEY) nobody can turn one
back into a phone number or address by hashing candidates, as a plain hash would allow.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from streams.settings import Settings

Pseudonymise = Callable[[str], str]


def pseudonym(key: bytes, contact_id: str) -> str:
    """HMAC-SHA256 of the contact id (UTF-8) under ``key``, in lower-case hex."""
    return hmac.new(key, contact_id.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymiser(settings: Settings) -> Pseudonymise | None:
    """The function analyst-facing outputs apply to contact ids, or None when
    CONSENT_GATE_PSEUDONYMISE_KEY is not set (outputs carry the contact ids themselves)."""
    key = settings.pseudonymise_key.get_secret_value()
    if not key:
        return None
    secret = key.encode("utf-8")
    return lambda contact_id: pseudonym(secret, contact_id)
