"""The CLI's side of the HTTP API: plain GET requests to a worker (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from streams.settings import Settings


class ApiUnreachable(RuntimeError):
    """No worker answered at that URL (the message says which and why)."""


def default_url(settings: Settings) -> str:
    """The worker on this machine, at CONSENT_GATE_HTTP_PORT."""
    return f"http://localhost:{settings.http_port}"


def get_json(settings: Settings, base: str, path: str, timeout_s: float = 10.0) -> tuple[int, Any]:
    """(status, decoded JSON body) of ``GET base+path``, with the bearer token when one is
    configured; :class:`ApiUnreachable` when nothing answers."""
    url = base.rstrip("/") + path
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    token = settings.api_token.get_secret_value()
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        body = err.read()
        try:
            return err.code, json.loads(body or b"null")
        except ValueError:
            return err.code, {"message": body.decode(errors="replace")}
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ApiUnreachable(f"no consent-gate worker answered at {base} ({reason})") from None
