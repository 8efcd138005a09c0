"""HTTP clients that are distinct clients to the server's rate limit.

The web app keys its rate limit on the client's network address (never on a header the client picks), so
tests that stand for several users give each one its own loopback source address: Linux routes all of
127.0.0.0/8 to lo, so a client bound to 127.0.3.7 reaches a server on 127.0.0.1 as a real, separate peer.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import httpx

_next = itertools.count(2)
_lock = threading.Lock()


def loopback() -> str:
    """A loopback address no other client of this test session has used (127.0.0.2, 127.0.0.3, ...)."""
    with _lock:
        n = next(_next)
    return f"127.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255 or 1}"


def http_client(address: str | None = None, **kwargs: Any) -> httpx.Client:
    """An httpx.Client whose requests come from `address` (a fresh loopback address by default)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address or loopback()), **kwargs)


def openai_client(base_url: str, api_key: str = "test", address: str | None = None, **kwargs: Any) -> Any:
    """The openai client over http_client(): one more distinct user of the server."""
    from openai import OpenAI

    return OpenAI(base_url=base_url, api_key=api_key, http_client=http_client(address), **kwargs)
