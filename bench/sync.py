"""Benchmark: the initial sync of a sandbox company on SQLite, against SQLite's own floor.

Measures, each in a fresh process (peak memory is the process's max RSS):
- the initial sync of 10,000 employees with a year of payroll (all kinds, pay statements
  included): wall time, rows per second, peak memory;
- the floor: the time SQLite needs to bulk-insert exactly the rows that sync wrote
  (one executemany per kind, one transaction, same table and indexes);
- the same company synced again with no changes: rows written and time, for a scheduled
  re-sync (payroll before the refresh window is kept, DESIGN.md §6) and, for reference, a
  forced data_sync_all that reads the whole history again;
- organisation data only at 10,000 and 100,000 employees: peak memory must not grow.

Targets (issue #5): initial <= 15 s and <= 3x the floor, peak <= 250 MB, re-sync writes 0 rows in
<= 25 % of the initial time, and the same peak at 100,000 employees (org data).

    .venv/bin/python bench/sync.py [--employees 10000] [--large 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fixtures

HERE = Path(__file__).resolve()


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss
    over fork and exec, so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def child_sync(db: str, employees: int, products: str, history_days: int) -> dict[str, Any]:
    settings = fixtures.settings_for(f"sqlite+aiosqlite:///{db}")
    runtime = fixtures.build_runtime(settings)
    chosen = fixtures.ALL_PRODUCTS if products == "all" else fixtures.ORG_PRODUCTS
    connection_id, _token = await fixtures.create_connection(runtime, employees, chosen)
    baseline = peak_mb()
    started = time.perf_counter()
    first = await fixtures.sync_once(runtime, connection_id, employees, history_days)
    initial_seconds = time.perf_counter() - started
    initial_peak = peak_mb()
    started = time.perf_counter()
    second = await fixtures.sync_once(runtime, connection_id, employees, history_days)
    resync_seconds = time.perf_counter() - started
    started = time.perf_counter()
    forced = await fixtures.sync_once(runtime, connection_id, employees, history_days, full=True)
    forced_seconds = time.perf_counter() - started
    await runtime.database.dispose()
    return {
        "employees": employees,
        "initial_seconds": initial_seconds,
        "rows": first["rows_written"],
        "by_kind": first["by_kind"],
        "resync_seconds": resync_seconds,
        "resync_rows": second["rows_written"],
        "forced_seconds": forced_seconds,
        "forced_rows": forced["rows_written"],
        "baseline_mb": baseline,
        "peak_mb": initial_peak,
    }


def floor_seconds(db: str) -> float:
    """Bulk-insert the synced rows again into an identical empty table, as fast as SQLite can."""
    source = sqlite3.connect(db)
    source.execute("PRAGMA journal_mode=WAL")
    source.execute("PRAGMA synchronous=NORMAL")
    columns = (
        "connection_id, kind, roost_id, parent_id, entity_id, sort_key, on_date, body, body_hash, "
        "valid_from, valid_to"
    )
    rows = source.execute(f"SELECT {columns} FROM data_records").fetchall()
    schema = source.execute("SELECT sql FROM sqlite_master WHERE name='data_records'").fetchone()[0]
    indexes = [
        r[0]
        for r in source.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name='data_records' AND type='index' AND sql IS NOT NULL"
        )
    ]
    source.execute(schema.replace("data_records", "floor_records", 1))
    for index in indexes:
        source.execute(
            index.replace("ON data_records", "ON floor_records").replace("INDEX ix_", "INDEX floor_ix_")
        )
    started = time.perf_counter()
    with source:
        source.executemany(f"INSERT INTO floor_records ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    elapsed = time.perf_counter() - started
    source.close()
    return elapsed


def run_child(*args: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, str(HERE), "--child", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--history-days", type=int, default=365)
    parser.add_argument("--child", nargs=4, metavar=("DB", "EMPLOYEES", "PRODUCTS", "HISTORY"))
    args = parser.parse_args()
    if args.child:
        db, employees, products, history = args.child
        fixtures.prepare(f"sqlite+aiosqlite:///{db}")  # migrations run outside the event loop
        print(json.dumps(asyncio.run(child_sync(db, int(employees), products, int(history)))))
        return
    with tempfile.TemporaryDirectory() as workdir:
        full = run_child(f"{workdir}/full.db", str(args.employees), "all", str(args.history_days))
        floor = floor_seconds(f"{workdir}/full.db")
        small = run_child(f"{workdir}/org-small.db", str(args.employees), "org", "0")
        large = run_child(f"{workdir}/org-large.db", str(args.large), "org", "0")
    rate = full["rows"] / full["initial_seconds"]
    print(f"initial sync, {args.employees:,} employees + {args.history_days} days of payroll (SQLite)")
    print(f"  rows written          {full['rows']:>12,}   {json.dumps(full['by_kind'])}")
    print(f"  wall time             {full['initial_seconds']:>12.1f} s   ({rate:,.0f} rows/s)")
    print(
        f"  SQLite floor          {floor:>12.1f} s   "
        f"ratio sync/floor = {full['initial_seconds'] / floor:.1f}x"
    )
    print(
        f"  peak memory           {full['peak_mb']:>12.0f} MB  (after imports: {full['baseline_mb']:.0f} MB)"
    )
    print(
        f"  no-change re-sync     {full['resync_seconds']:>12.1f} s   rows written = {full['resync_rows']}, "
        f"{100 * full['resync_seconds'] / full['initial_seconds']:.0f}% of the initial sync  (scheduled)"
    )
    print(
        f"  forced full re-sync   {full['forced_seconds']:>12.1f} s   rows written = {full['forced_rows']}, "
        f"{100 * full['forced_seconds'] / full['initial_seconds']:.0f}% of the initial sync  (data_sync_all)"
    )
    print("organisation data only")
    for result in (small, large):
        print(
            f"  {result['employees']:>7,} employees  {result['initial_seconds']:>7.1f} s  "
            f"peak {result['peak_mb']:.0f} MB"
        )
    print(
        f"  peak memory ratio {args.large:,}/{args.employees:,} = {large['peak_mb'] / small['peak_mb']:.2f}"
    )


if __name__ == "__main__":
    main()
