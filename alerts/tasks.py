"""Stopping background tasks reliably, even when a cancel request gets lost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

# How long a cancelled task may run its cleanup before it is asked again.
RECANCEL_AFTER = 1.0


async def stop_tasks(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel the tasks and wait until every one has finished; their outcomes are discarded.

    A cancel can be lost on Python 3.11: redis-py sends each command through
    `asyncio.wait_for`, which returns normally when the cancel lands just as the send
    completes. The task then carries on (a loop never ends), so a task still running
    after RECANCEL_AFTER is cancelled again. The caller's own cancellation is never
    swallowed: `asyncio.wait` raises it.
    """
    every = list(tasks)
    pending = {t for t in every if not t.done()}
    for task in pending:
        task.cancel()
    while pending:
        _, pending = await asyncio.wait(pending, timeout=RECANCEL_AFTER)
        for task in pending:
            task.cancel()
    for task in every:
        if not task.cancelled():
            task.exception()  # retrieved: no "exception was never retrieved" noise
