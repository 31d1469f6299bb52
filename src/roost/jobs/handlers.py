"""Every job kind and the function that runs it."""

from __future__ import annotations

from roost.hris.benefit_writes.tasks import BENEFIT_WRITE_JOB, run_benefit_write
from roost.jobs.worker import Handler
from roost.sync.tasks import SYNC_JOB, run_sync
from roost.webhooks.delivery import WEBHOOK_DELIVERY_JOB, deliver_webhook


def job_handlers() -> dict[str, Handler]:
    return {SYNC_JOB: run_sync, WEBHOOK_DELIVERY_JOB: deliver_webhook, BENEFIT_WRITE_JOB: run_benefit_write}
