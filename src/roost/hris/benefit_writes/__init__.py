"""Benefit writes: ``POST/DELETE /employer/benefits[...]`` as manual jobs (reference §8, §9)."""
