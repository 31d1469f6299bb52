"""The reporting tree of a sandbox company, computed from an employee's index alone.

Index 0 is the chief executive; indexes ``1..heads`` are department heads reporting to it;
every later index reports to an earlier one in breadth-first order, ``fanout`` reports per
manager. So the manager of ``i`` is always some ``j < i`` (no cycles, every chain reaches
index 0), and both the manager and the department head above anyone take O(log n) to find,
without generating anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FANOUT", "OrgChart", "Placement"]

FANOUT = 7


@dataclass(frozen=True, slots=True)
class Placement:
    """Where someone sits: ``depth`` 0 is the chief executive, 1 a department head.

    ``head`` is the index of the department head at or above them (0 for the chief
    executive); ``team_anchor`` is their ancestor at depth 2 (themselves at depth 2), whose
    index picks their team, or -1 above depth 2.
    """

    depth: int
    head: int
    team_anchor: int


@dataclass(frozen=True, slots=True)
class OrgChart:
    size: int
    heads: int
    fanout: int = FANOUT

    def __post_init__(self) -> None:
        if not 0 <= self.heads < max(self.size, 1):
            raise ValueError(f"a company of {self.size} cannot have {self.heads} department heads")

    def manager_of(self, index: int) -> int | None:
        if index == 0:
            return None
        if index <= self.heads:
            return 0
        return (index - 1 - self.heads) // self.fanout + 1

    def has_reports(self, index: int) -> bool:
        first_report = 1 if index == 0 else self.heads + (index - 1) * self.fanout + 1
        return first_report < self.size

    def placement(self, index: int) -> Placement:
        if index == 0:
            return Placement(depth=0, head=0, team_anchor=-1)
        node, below, depth = index, index, 1
        while node > self.heads:
            below = node
            node = (node - 1 - self.heads) // self.fanout + 1
            depth += 1
        return Placement(depth=depth, head=node, team_anchor=below if depth >= 2 else -1)
