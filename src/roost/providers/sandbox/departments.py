"""The departments a sandbox company can have: teams, job titles and pay bands.

Pay bands are in cents: per year for salaried roles, per hour for hourly ones. Class codes
are NCCI workers' compensation codes (8810 clerical office, 8742 outside sales, 8292
warehouse), which is what payroll providers report as ``class_code``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEPARTMENTS", "EXECUTIVE", "DepartmentPlan", "Role"]

EXECUTIVE = "Executive"


@dataclass(frozen=True, slots=True)
class Role:
    title: str
    pay_low: int
    pay_high: int
    hourly: bool = False
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class DepartmentPlan:
    name: str
    head_title: str
    teams: tuple[str, ...]
    roles: tuple[Role, ...]
    class_code: str
    # Hourly staff are union members (union_code/union_local on their employment).
    unionized: bool = False
    # Staff work at the company's distribution center rather than an office.
    warehouse: bool = False


def _salaried(title: str, low_dollars: int, high_dollars: int, weight: float = 1.0) -> Role:
    return Role(title, low_dollars * 100, high_dollars * 100, hourly=False, weight=weight)


def _hourly(title: str, low_dollars: float, high_dollars: float, weight: float = 1.0) -> Role:
    return Role(title, round(low_dollars * 100), round(high_dollars * 100), hourly=True, weight=weight)


DEPARTMENTS: tuple[DepartmentPlan, ...] = (
    DepartmentPlan(
        "Engineering",
        "VP of Engineering",
        ("Platform", "Product Engineering", "Data", "Security"),
        (
            _salaried("Software Engineer", 110_000, 185_000, 5),
            _salaried("Site Reliability Engineer", 120_000, 190_000),
            _salaried("Data Engineer", 115_000, 180_000),
            _salaried("QA Engineer", 85_000, 130_000),
        ),
        "8810",
    ),
    DepartmentPlan(
        "Sales",
        "VP of Sales",
        ("Enterprise Sales", "Mid-Market Sales", "Sales Development"),
        (
            _salaried("Account Executive", 70_000, 140_000, 3),
            _salaried("Sales Development Representative", 50_000, 72_000, 2),
            _salaried("Sales Engineer", 100_000, 160_000),
        ),
        "8742",
    ),
    DepartmentPlan(
        "Operations",
        "VP of Operations",
        ("Fulfillment", "Logistics", "Facilities"),
        (
            _hourly("Warehouse Associate", 17.50, 24.00, 4),
            _hourly("Forklift Operator", 20.00, 28.00, 2),
            _salaried("Logistics Coordinator", 48_000, 68_000),
            _hourly("Facilities Technician", 22.00, 34.00),
        ),
        "8292",
        unionized=True,
        warehouse=True,
    ),
    DepartmentPlan(
        "Customer Support",
        "VP of Customer Experience",
        ("Support", "Customer Success"),
        (
            _hourly("Customer Support Specialist", 18.00, 27.00, 4),
            _salaried("Customer Success Manager", 65_000, 105_000, 2),
            _salaried("Support Engineer", 75_000, 115_000),
        ),
        "8810",
    ),
    DepartmentPlan(
        "Finance",
        "Chief Financial Officer",
        ("Accounting", "FP&A", "Payroll"),
        (
            _salaried("Accountant", 60_000, 95_000, 2),
            _salaried("Financial Analyst", 70_000, 115_000, 2),
            _salaried("Payroll Specialist", 52_000, 78_000),
        ),
        "8810",
    ),
    DepartmentPlan(
        "Marketing",
        "VP of Marketing",
        ("Growth", "Brand", "Content"),
        (
            _salaried("Marketing Manager", 80_000, 130_000, 2),
            _salaried("Content Strategist", 60_000, 95_000),
            _salaried("Growth Analyst", 70_000, 110_000),
        ),
        "8810",
    ),
    DepartmentPlan(
        "People",
        "Head of People",
        ("Recruiting", "People Operations"),
        (
            _salaried("Recruiter", 60_000, 100_000, 2),
            _salaried("HR Generalist", 55_000, 85_000, 2),
            _salaried("People Partner", 85_000, 130_000),
        ),
        "8810",
    ),
    DepartmentPlan(
        "Product",
        "VP of Product",
        ("Product Management", "Design"),
        (
            _salaried("Product Manager", 115_000, 180_000, 2),
            _salaried("Product Designer", 95_000, 150_000, 2),
            _salaried("UX Researcher", 90_000, 135_000),
        ),
        "8810",
    ),
    DepartmentPlan(
        "Legal",
        "General Counsel",
        ("Corporate Legal", "Compliance"),
        (
            _salaried("Corporate Counsel", 140_000, 220_000),
            _salaried("Paralegal", 55_000, 85_000),
            _salaried("Compliance Analyst", 65_000, 100_000),
        ),
        "8810",
    ),
)
