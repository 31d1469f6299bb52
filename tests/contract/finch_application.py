"""A customer's application, written only against the official ``finch-api`` SDK and the stdlib.

Nothing in this module imports Roost (``test_sdk_end_to_end`` checks that): given Finch's own
``base_url`` it would run unchanged against Finch. It reads a whole company the way an
integration would — auto-paged directory, batched individuals and employments, every pay
statement of a year in batches of at most ten payments, pay groups, benefits, documents — forces
syncs through the jobs API, and receives webhooks on its own HTTP endpoint, trusting only what
``client.webhooks.unwrap()`` verifies.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

from finch import Finch
from finch.types import Introspection, WebhookEvent
from finch.types.hris import (
    CompanyBenefit,
    IndividualInDirectory,
    Payment,
    PayStatement,
    PayStatementData,
    SupportedBenefit,
)
from finch.types.hris.benefits import IndividualBenefit
from finch.types.hris.employment_data import EmploymentDataResponseBody
from finch.types.hris.individual import IndividualResponseBody
from finch.types.jobs import AutomatedAsyncJob
from finch.types.payroll import PayGroupRetrieveResponse

# reference §2: at most 10 payments per pay-statement request.
PAY_STATEMENT_BATCH = 10
# Statements per payment and page: small enough that a large payment takes several pages.
PAY_STATEMENT_PAGE = 250
# Ids per GET .../benefits/{id}/individuals, whose ids travel comma-joined in the URL.
BENEFIT_IDS_PER_REQUEST = 100
JOB_DONE = ("complete", "error", "reauth_error", "permissions_error")

T = TypeVar("T")


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def wait_for_job(client: Finch, job_id: str, timeout: float) -> AutomatedAsyncJob:
    """Poll ``GET /jobs/automated/{id}`` until the job has finished, one way or another."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.jobs.automated.retrieve(job_id)
        if job.status in JOB_DONE:
            return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} still {job.status} after {timeout} s")
        time.sleep(0.1)


def initial_sync_job(client: Finch) -> AutomatedAsyncJob:
    """The connection's first ``data_sync_all`` job (the jobs list is newest first)."""
    jobs = [job for job in client.jobs.automated.list().data if job.type == "data_sync_all"]
    return min(jobs, key=lambda job: str(job.created_at))


@dataclass
class PayrollYear:
    payments: list[Payment]
    statements: dict[str, list[PayStatement]]  # payment id -> its statements
    requests: int = 0


def pay_statements(client: Finch, payments: Sequence[Payment], timeout: float = 60) -> PayrollYear:
    """Every statement of every payment: ≤ 10 payments per request, each paged by limit/offset,
    and a payment still syncing (``202 data_sync_in_progress``) asked again later."""
    year = PayrollYear(list(payments), {payment.id: [] for payment in payments})
    next_offset = {payment.id: 0 for payment in payments}
    deadline = time.monotonic() + timeout
    while next_offset:
        wanted = list(next_offset.items())
        for batch in batches(wanted, PAY_STATEMENT_BATCH):
            requests: list[Any] = [
                {"payment_id": payment_id, "limit": PAY_STATEMENT_PAGE, "offset": offset}
                for payment_id, offset in batch
            ]
            year.requests += 1
            for response in client.hris.pay_statements.retrieve_many(requests=requests):
                if response.code == 202:
                    continue  # still being fetched: this payment stays wanted
                if response.code != 200 or not isinstance(response.body, PayStatementData):
                    raise RuntimeError(f"payment {response.payment_id}: {response.code} {response.body}")
                page = response.body
                year.statements[response.payment_id].extend(page.pay_statements)
                seen = page.paging.offset + len(page.pay_statements)
                if page.pay_statements and seen < (page.paging.count or 0):
                    next_offset[response.payment_id] = seen
                else:
                    del next_offset[response.payment_id]
        if next_offset and time.monotonic() > deadline:
            raise TimeoutError(f"pay statements of {sorted(next_offset)} never arrived")
    return year


@dataclass
class Company:
    """What the application knows about one employer after reading everything."""

    directory: list[IndividualInDirectory]
    individuals: dict[str, IndividualResponseBody]
    individuals_with_ssn: dict[str, IndividualResponseBody]
    employments: dict[str, EmploymentDataResponseBody]
    payroll: PayrollYear
    pay_groups: list[PayGroupRetrieveResponse]
    benefits: list[CompanyBenefit]
    supported_benefits: list[SupportedBenefit]
    enrolled: dict[str, list[str]]  # benefit id -> individual ids
    enrollments: dict[str, list[IndividualBenefit]]
    document_count: int
    documents: list[Any]  # W42020 | W42005, retrieved one by one
    introspection: Introspection


def read_company(client: Finch, today: dt.date, documents_to_open: int = 25) -> Company:
    directory = list(client.hris.directory.list(limit=100))  # the SDK follows paging.count
    ids = [person.id for person in directory]
    requests: list[Any] = [{"individual_id": i} for i in ids]
    individuals = {
        r.individual_id or "": r.body
        for r in client.hris.individuals.retrieve_many(requests=requests)
        if isinstance(r.body, IndividualResponseBody)
    }
    with_ssn = {
        r.individual_id or "": r.body
        for r in client.hris.individuals.retrieve_many(requests=requests, options={"include": ["ssn"]})
        if isinstance(r.body, IndividualResponseBody)
    }
    employments = {
        r.individual_id: r.body
        for r in client.hris.employments.retrieve_many(requests=requests)
        if isinstance(r.body, EmploymentDataResponseBody)
    }
    payments = list(client.hris.payments.list(start_date=today - dt.timedelta(days=365), end_date=today))
    groups = [client.payroll.pay_groups.retrieve(group.id) for group in client.payroll.pay_groups.list()]
    benefits = list(client.hris.benefits.list())
    enrolled: dict[str, list[str]] = {}
    enrollments: dict[str, list[IndividualBenefit]] = {}
    for benefit in benefits:
        people = client.hris.benefits.individuals.enrolled_ids(benefit.benefit_id).individual_ids
        enrolled[benefit.benefit_id] = people
        enrollments[benefit.benefit_id] = [
            item
            for batch in batches(people, BENEFIT_IDS_PER_REQUEST)
            for item in client.hris.benefits.individuals.retrieve_many_benefits(
                benefit.benefit_id, individual_ids=",".join(batch)
            )
        ]
    listed = client.hris.documents.list()
    opened = [client.hris.documents.retreive(d.id or "") for d in listed.documents[:documents_to_open]]
    return Company(
        directory=directory,
        individuals=individuals,
        individuals_with_ssn=with_ssn,
        employments=employments,
        payroll=pay_statements(client, payments),
        pay_groups=groups,
        benefits=benefits,
        supported_benefits=list(client.hris.benefits.list_supported_benefits()),
        enrolled=enrolled,
        enrollments=enrollments,
        document_count=len(listed.documents),
        documents=opened,
        introspection=client.account.introspect(),
    )


@dataclass
class ReceivedWebhooks:
    events: dict[str, WebhookEvent] = field(default_factory=dict)  # by Finch-Event-Id
    deliveries: int = 0
    rejected: list[str] = field(default_factory=list)


class WebhookReceiver:
    """The application's webhook endpoint: a plain HTTP server on loopback.

    Every delivery is verified with ``client.webhooks.unwrap(body, headers, secret=...)``;
    an unverifiable one is answered 400 and not trusted. Delivery is at least once, so
    events are kept by ``Finch-Event-Id``.
    """

    def __init__(self, client: Finch) -> None:
        self.client = client
        self.secret = ""
        self.received = ReceivedWebhooks()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.accept(body, dict(self.headers.items()))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhooks/finch"

    def accept(self, body: bytes, headers: dict[str, str]) -> int:
        try:
            event = self.client.webhooks.unwrap(body, headers, secret=self.secret)
        except Exception as exc:
            with self._lock:
                self.received.rejected.append(f"{type(exc).__name__}: {exc}")
            return 400
        event_id = next(v for k, v in headers.items() if k.lower() == "finch-event-id")
        with self._lock:
            self.received.deliveries += 1
            self.received.events[event_id] = event
        return 204

    def events(self) -> list[WebhookEvent]:
        with self._lock:
            return list(self.received.events.values())

    def wait_for(self, wanted: Iterable[tuple[str, str]], timeout: float) -> list[WebhookEvent]:
        """Wait until every ``(event_type, key)`` in ``wanted`` has arrived (see :func:`event_key`)."""
        missing = set(wanted)
        deadline = time.monotonic() + timeout
        while True:
            events = self.events()
            missing -= {(event.event_type or "", event_key(event)) for event in events}
            if not missing:
                return events
            if time.monotonic() > deadline:
                raise TimeoutError(f"webhooks never arrived: {sorted(missing)}")
            time.sleep(0.1)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def event_key(event: WebhookEvent) -> str:
    """What an event is about: a job id, an individual id, ``payment_id[:individual_id]``..."""
    data = getattr(event, "data", None)
    if data is None:
        return ""
    values = data if isinstance(data, dict) else data.to_dict()
    keys = (
        ("job_id",),
        ("payment_id", "individual_id"),
        ("payment_id", "pay_date"),
        ("individual_id",),
        ("status",),
    )
    for names in keys:
        if all(name in values for name in names):
            return ":".join(str(values[name]) for name in names)
    return ""
