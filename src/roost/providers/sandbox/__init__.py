"""Roost's Finch-mode sandbox: deterministic, realistic companies generated from a seed."""

from roost.providers.sandbox.generator import CompanySpec, SandboxCompany

__all__ = ["CompanySpec", "SandboxCompany"]
