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


#: What a CLI request waits beyond CONSENT_GATE_API_TIMEOUT_MS (the worker's own bound on
#: waiting for Kafka or for another worker), so that the worker's 503 arrives first.
MARGIN_S = 2.0
#: ``status`` waits longer: each worker counts its table's entries (a scan) before answering.
STATUS_TIMEOUT_S = 30.0


def timeout_s(settings: Settings) -> float:
    """How long the CLI waits for a worker's answer to a lookup."""
    return settings.api_timeout_ms / 1000 + MARGIN_S


def get_json(
    settings: Settings, base: str, path: str, timeout: float | None = None
) -> tuple[int, Any]:
    """(status, decoded JSON body) of ``GET base+path``, with the bearer token when one is
    configured; :class:`ApiUnreachable` when nothing answers within ``timeout`` seconds
    (default :func:`timeout_s`)."""
    wait_s = timeout_s(settings) if timeout is None else timeout
    url = base.rstrip("/") + path
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    token = settings.api_token.get_secret_value()
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=wait_s) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        body = err.read()
        try:
            return err.code, json.loads(body or b"null")
        except ValueError:
            return err.code, {"message": body.decode(errors="replace")}
    except TimeoutError:
        raise ApiUnreachable(
            f"the consent-gate worker at {base} did not answer within {wait_s:g} s"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise ApiUnreachable(
                f"the consent-gate worker at {base} did not answer within {wait_s:g} s"
            ) from None
        raise ApiUnreachable(f"no consent-gate worker answered at {base} ({reason})") from None
