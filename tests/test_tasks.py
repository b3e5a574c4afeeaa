"""stop_tasks: a task that loses a cancel is still stopped; the caller's cancel is kept."""

from __future__ import annotations

import asyncio

from alerts.tasks import stop_tasks
from tests.support import wait_for


async def test_a_task_that_loses_a_cancel_is_cancelled_again() -> None:
    lost = 0

    async def loop() -> None:
        nonlocal lost
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if lost == 0:  # what 3.11's wait_for does when the inner call just finished
                    lost += 1
                    continue
                raise

    task = asyncio.create_task(loop())
    await asyncio.sleep(0)
    await asyncio.wait_for(stop_tasks([task]), 10)
    assert task.cancelled() and lost == 1


async def test_failed_and_finished_tasks_are_collected_quietly() -> None:
    async def boom() -> None:
        raise ValueError("x")

    failed, done = asyncio.create_task(boom()), asyncio.create_task(asyncio.sleep(0))
    await asyncio.wait([failed, done], timeout=10)  # both have ended before stop_tasks sees them
    assert failed.done() and done.done()
    await stop_tasks([failed, done])
    assert isinstance(failed.exception(), ValueError) and done.done()


async def test_the_callers_own_cancel_is_not_swallowed() -> None:
    stubborn_started = asyncio.Event()

    async def stubborn() -> None:
        stubborn_started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0.5)  # slow cleanup

    child = asyncio.create_task(stubborn())
    await stubborn_started.wait()
    stopper = asyncio.create_task(stop_tasks([child]))
    # The stopper has cancelled the child and waits on its slow cleanup.
    await wait_for(lambda: child.cancelling() > 0, 5, "the stopper to cancel the child")
    stopper.cancel()
    done, _ = await asyncio.wait([stopper], timeout=5)
    assert stopper in done and stopper.cancelled()
    await stop_tasks([child])
