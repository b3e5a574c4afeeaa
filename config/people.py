"""People: controllers, supervisors and admins, and the rooms they answer for."""

from __future__ import annotations

from pydantic import Field

from config.base import Section


class PersonConfig(Section):
    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")
    name: str = ""
    role: str = Field("controller", pattern="^(controller|supervisor|admin)$")
    password: str = Field("", description="plain (use ${ENV}) or a 'pbkdf2_sha256$...' hash")
    rooms: list[str] = Field(default_factory=list)


class PeopleConfig(Section):
    users: list[PersonConfig] = Field(default_factory=list)
