"""A Downloader that keeps CONCURRENT_REQUESTS_PER_DOMAIN when DOWNLOAD_DELAY is 0.

Scrapy 2.19's ``Downloader._process_queue`` hands each queued request to a new task and counts it as
transferring only when that task starts. Under the asyncio reactor tasks start after the loop, so with no
download delay the loop sees every transfer slot free and sends the whole queue to the host at once
(measured in tests/test_faults.py: 5 at a time with a cap of 2). With a delay the loop stops after one
request, which is why the real-site defaults never showed it. This subclass reserves the transfer slot
before scheduling the task; ``_download`` adds the same request to the same set again, which is harmless,
and its ``finally`` releases it as before.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class HostCappedDownloader(Downloader):
    """Scrapy's Downloader with the transfer slot reserved synchronously."""

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # the fix: count it before its task starts
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
