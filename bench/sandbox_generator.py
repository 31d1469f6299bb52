"""Benchmark: the sandbox generator's streaming rate, its memory, and its payroll rate.

For 10,000 and 100,000 employees, a fresh child process streams the directory, the
individuals and the employments through ``to_wire`` without keeping anything, and reports
records per second and its peak resident memory (``ru_maxrss``), before and after streaming.
Memory must not grow with company size: the 100k/10k peak ratio should be about 1. A last
child prices a year of payrolls (every pay group's payments and their statements) for
10,000 employees.

    .venv/bin/python bench/sandbox_generator.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from datetime import date
from typing import Any

from roost.providers.records import to_wire
from roost.providers.sandbox import CompanySpec, SandboxCompany

SIZES = (10_000, 100_000)
PAYROLL_SIZE = 10_000
PAYROLL_YEAR = 2025
SEED = 2025


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stream_child(size: int) -> dict[str, Any]:
    company = SandboxCompany(CompanySpec(seed=SEED, employee_size=size, today=date(PAYROLL_YEAR, 12, 31)))
    baseline = peak_rss_mb()
    started = time.perf_counter()
    records = 0
    for listing in (company.directory, company.individuals, company.employments):
        for record in listing():
            to_wire(record)
            records += 1
    return {
        "records": records,
        "seconds": time.perf_counter() - started,
        "baseline_mb": baseline,
        "peak_mb": peak_rss_mb(),
    }


def payroll_child(size: int) -> dict[str, Any]:
    year_start, year_end = date(PAYROLL_YEAR, 1, 1), date(PAYROLL_YEAR, 12, 31)
    company = SandboxCompany(
        CompanySpec(seed=SEED, employee_size=size, history_start=year_start, today=year_end)
    )
    started = time.perf_counter()
    payments = statements = 0
    for payment in company.payments(year_start, year_end):
        payments += 1
        for _ in company.pay_statements(payment.source_id):
            statements += 1
    seconds = time.perf_counter() - started
    return {"payments": payments, "statements": statements, "seconds": seconds, "peak_mb": peak_rss_mb()}


def run_child(kind: str, size: int) -> dict[str, Any]:
    """One measurement in a fresh interpreter, so peak memory belongs to that size alone."""
    finished = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(size)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def main() -> None:
    row = "{:>10} {:>9} {:>8} {:>10} {:>12} {:>8}"
    print("Sandbox generator: directory + individuals + employments streamed through to_wire")
    print(row.format("employees", "records", "seconds", "records/s", "baseline MB", "peak MB"))
    peaks: dict[int, float] = {}
    for size in SIZES:
        result = run_child("stream", size)
        peaks[size] = result["peak_mb"]
        rate = result["records"] / result["seconds"]
        cells = (result["records"], result["seconds"], rate, result["baseline_mb"], result["peak_mb"])
        print(
            row.format(
                f"{size:,}",
                f"{cells[0]:,}",
                f"{cells[1]:.1f}",
                f"{cells[2]:,.0f}",
                *map("{:.1f}".format, cells[3:]),
            )
        )
    print(f"peak memory ratio {SIZES[1]:,}/{SIZES[0]:,} employees: {peaks[SIZES[1]] / peaks[SIZES[0]]:.2f}")
    payroll = run_child("payroll", PAYROLL_SIZE)
    rate = payroll["statements"] / payroll["seconds"]
    print(f"\nPay statements: {PAYROLL_SIZE:,} employees, all {PAYROLL_YEAR} payrolls of every pay group")
    print(f"{payroll['payments']} payments, {payroll['statements']:,} statements", end=" ")
    print(
        f"in {payroll['seconds']:.1f} s = {rate:,.0f} statements/s; peak memory {payroll['peak_mb']:.1f} MB"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child = {"stream": stream_child, "payroll": payroll_child}[sys.argv[2]]
        print(json.dumps(child(int(sys.argv[3]))))
    else:
        main()
