"""Edits to a sandbox company: ``PUT /sandbox/company``, ``/individual/{id}``, ``/employment/{id}``.

Each edit is stored in the connection's overlay, which the next sync reads (reference §11),
and the changed object is echoed at once in Finch's shape with Roost ids. Ids in requests are
Roost UUIDs; ``id_mappings`` turns them back into the generator's source ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from roost.auth.service import TokenContext
from roost.connections.models import Connection
from roost.core.errors import FinchError, bad_request, not_found
from roost.core.runtime import Runtime
from roost.providers.records import Employment, Individual
from roost.sandbox.access import roost_id_of, sandbox_connection, source_id_of, state_for
from roost.sandbox.data_schemas import CompanyFields, EmploymentFields, IndividualFields
from roost.sandbox.models import SandboxState
from roost.sandbox.overlay import OverlaidCompany, shared_company, spec_for
from roost.sandbox.readers import overlay_of
from roost.sandbox.records import to_wire
from roost.sync.mapping import finch_body


@dataclass
class Workspace:
    """One edit's transaction: the connection, its overlay row and the company it describes."""

    runtime: Runtime
    session: AsyncSession
    connection: Connection
    state: SandboxState

    @property
    def company(self) -> OverlaidCompany:
        credentials = self.runtime.keyring.decrypt(
            self.connection.credentials_ciphertext or "", self.connection.id
        )
        if "seed" not in credentials:
            raise FinchError(
                409,
                "conflict_error",
                "This sandbox connection has no company yet (an assisted connection awaiting confirmation)",
            )
        spec = spec_for(credentials, self.runtime.clock.now().date())
        return OverlaidCompany(shared_company(spec), overlay_of(self.state))

    async def source_id(self, individual_id: str) -> str:
        source_id = await source_id_of(self.session, self.connection.id, "individual", individual_id)
        if source_id is None:
            raise not_found(
                f"No individual {individual_id!r} in this sandbox company", finch_code="individual_not_found"
            )
        return source_id

    async def roost_id(self, space: str, source_id: str) -> str:
        roost_id = await roost_id_of(self.session, self.connection.id, space, source_id, mint=True)
        assert roost_id is not None
        return roost_id

    async def body(self, kind: str, record: object) -> dict[str, Any]:
        """A record as Finch clients see it: every ``*_source_id`` turned into a Roost id."""
        wire = to_wire(record)
        references = {wire["source_id"]} | (
            {wire["manager_source_id"]} if wire.get("manager_source_id") else set()
        )
        ids = {source: await self.roost_id("individual", source) for source in references}
        return finch_body(kind, wire, lambda _space, source: ids[source])

    def touch(self) -> None:
        self.state.updated_at = self.runtime.clock.now()


async def workspace(runtime: Runtime, session: AsyncSession, token: TokenContext) -> Workspace:
    connection = await sandbox_connection(session, token, for_update=True)
    return Workspace(runtime, session, connection, await state_for(runtime, session, connection.id))


def _kept(items: list[Any] | None, required: str) -> list[Any] | None:
    """Finch allows nulls inside these lists; records do not."""
    return None if items is None else [i for i in items if i is not None and i.get(required) is not None]


def individual_patch(fields: Mapping[str, Any]) -> dict[str, Any]:
    patch = {k: v for k, v in fields.items() if k in IndividualFields.model_fields and k != "encrypted_ssn"}
    if "phone_numbers" in patch:
        patch["phone_numbers"] = _kept(patch["phone_numbers"], "data")
    return patch


async def employment_patch(space: Workspace, fields: Mapping[str, Any]) -> dict[str, Any]:
    patch = {k: v for k, v in fields.items() if k in EmploymentFields.model_fields and k != "source_id"}
    if "manager" in patch:
        manager = patch.pop("manager")
        patch["manager_source_id"] = await space.source_id(manager["id"]) if manager else None
    if "department" in patch and not (patch["department"] or {}).get("name"):
        patch["department"] = None
    if "income_history" in patch:
        patch["income_history"] = _kept(patch["income_history"], "amount")
    return patch


def _company_patch(fields: Mapping[str, Any]) -> dict[str, Any]:
    patch = dict(fields)
    if "departments" in patch:
        departments = _kept(patch["departments"], "name")
        for department in departments or []:
            if not (department.get("parent") or {}).get("name"):
                department["parent"] = None
        patch["departments"] = departments
    if "locations" in patch:
        patch["locations"] = [loc for loc in patch["locations"] or [] if loc is not None]
    return patch


async def update_company(runtime: Runtime, token: TokenContext, request: CompanyFields) -> dict[str, Any]:
    async with runtime.database.writing() as session:
        space = await workspace(runtime, session, token)
        space.state.company_patch = {
            **space.state.company_patch,
            **_company_patch(request.model_dump(mode="json", exclude_unset=True)),
        }
        space.touch()
        company = to_wire(space.company.company())
    company.pop("source_id", None)
    return company


def _person(space: Workspace, source_id: str) -> tuple[Individual, Employment]:
    person = space.company.person(source_id)
    if person is None:
        raise not_found(
            f"No individual {source_id!r} in this sandbox company", finch_code="individual_not_found"
        )
    return person


async def update_individual(
    runtime: Runtime, token: TokenContext, individual_id: str, request: IndividualFields
) -> dict[str, Any]:
    async with runtime.database.writing() as session:
        space = await workspace(runtime, session, token)
        source_id = await space.source_id(individual_id)
        patch = individual_patch(request.model_dump(mode="json", exclude_unset=True))
        patches = dict(space.state.individual_patches)
        patches[source_id] = {**patches.get(source_id, {}), **patch}
        space.state.individual_patches = patches
        space.touch()
        individual, _ = _person(space, source_id)
        return {**await space.body("individual", individual), "encrypted_ssn": None}


async def update_employment(
    runtime: Runtime, token: TokenContext, individual_id: str, request: EmploymentFields
) -> dict[str, Any]:
    async with runtime.database.writing() as session:
        space = await workspace(runtime, session, token)
        source_id = await space.source_id(individual_id)
        patch = await employment_patch(space, request.model_dump(mode="json", exclude_unset=True))
        if patch.get("manager_source_id") == source_id:
            raise bad_request("An individual cannot be their own manager")
        patches = dict(space.state.employment_patches)
        patches[source_id] = {**patches.get(source_id, {}), **patch}
        space.state.employment_patches = patches
        space.touch()
        _, employment = _person(space, source_id)
        return await space.body("employment", employment)
