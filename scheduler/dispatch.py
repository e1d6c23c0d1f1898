"""The daemon with separate workers (``KLIPING_WORKERS=external``): it still decides when each
outlet is crawled, but defers a job to the task queue (scheduler/queue.py) where it would
start a crawl child; ``kliping worker`` processes on any machine do the crawls."""

from __future__ import annotations

import logging

import procrastinate
import psycopg

from kliping.scheduler import queue
from kliping.scheduler.daemon import Daemon
from kliping.storage import requests

log = logging.getLogger(__name__)


class QueueDaemon(Daemon):
    def run(self) -> int:
        queue.ensure_schema(self.conninfo)
        self.queue = queue.app(self.conninfo, sync=True)
        with self.queue.open():
            return super().run()

    def crawl(self, outlet: str, trigger: str, request_ids: list[int]) -> None:
        trigger = self.record_as or trigger
        try:
            job = queue.defer(self.queue, outlet, trigger, request_ids)
        except (procrastinate.exceptions.ConnectorException, psycopg.OperationalError) as exc:
            log.error("crawl of %s: could not queue it: %s", outlet, str(exc).strip())
            self._release(request_ids)
            self._retry_later(outlet, "task queue unavailable")
            return
        if job is None:
            # One is waiting for a worker already: these requests go with the next one.
            log.info("already queued", extra={"fields": {"outlet": outlet}})
            self._release(request_ids)
            return
        log.info("crawl queued", extra={"fields": {"outlet": outlet, "trigger": trigger,
                                                   "job": job}})  # fmt: skip

    def _release(self, request_ids: list[int]) -> None:
        if not request_ids:
            return
        try:
            with self._connect() as conn:
                requests.release(conn, request_ids)
        except psycopg.OperationalError:
            pass  # claimed requests of a daemon go back to the queue at its next start
