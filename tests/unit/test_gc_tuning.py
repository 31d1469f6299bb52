"""Bulk jobs raise the collector's thresholds while any of them runs, then restore them."""

from __future__ import annotations

import gc

import pytest

from roost.core.gc_tuning import BULK_THRESHOLDS, bulk_allocations


def test_thresholds_are_raised_while_jobs_run_and_restored_after_the_last() -> None:
    before = gc.get_threshold()
    assert before != BULK_THRESHOLDS
    with bulk_allocations():
        assert gc.get_threshold() == BULK_THRESHOLDS
        with bulk_allocations():  # a second, concurrent job
            assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_threshold() == BULK_THRESHOLDS  # the first still runs
    assert gc.get_threshold() == before


def test_a_failing_job_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), bulk_allocations():
        raise RuntimeError("the sync failed")
    assert gc.get_threshold() == before
