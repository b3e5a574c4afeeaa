"""Read an HTTP request body within a size limit and a time limit (ingest and callbacks).

The limit is checked against Content-Length before anything is read, and again while the
body arrives, on the bytes as the handler sees them: aiohttp inflates a gzip or deflate
body (Content-Encoding) a bounded chunk at a time, so a small compressed body that
inflates past the limit is refused after at most one chunk over it, never held whole.
"""

from __future__ import annotations

import asyncio

from aiohttp import ClientPayloadError, web

BODY_TIMEOUT = 30.0  # a client that stalls mid-body must not hold a handler forever
CHUNK = 65_536


class BodyError(Exception):
    """The request body as a whole cannot be used; carries the HTTP status."""

    def __init__(self, status: int, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status = status
        self.extra = extra


async def read_limited(request: web.Request, limit: int, *, within: float = BODY_TIMEOUT) -> bytes:
    """Read the body, refusing it (413) as soon as it grows past `limit` bytes."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise BodyError(413, f"the body is larger than {limit} bytes", max_body_bytes=limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(within):
            async for chunk in request.content.iter_chunked(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise BodyError(
                        413,
                        f"the body is larger than {limit} bytes"
                        + (" once decompressed" if _compressed(request) else ""),
                        max_body_bytes=limit,
                    )
                chunks.append(chunk)
    except TimeoutError:
        raise BodyError(408, f"the body did not arrive within {within:g} s") from None
    except (ConnectionError, ClientPayloadError):
        # The client hung up mid-body (or sent a broken compressed stream); the answer most
        # likely goes nowhere, but it is a bad body, not a server error.
        raise BodyError(400, "the body was cut short or could not be decoded") from None
    return b"".join(chunks)


def _compressed(request: web.Request) -> bool:
    return request.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
