"""Whom an escalation step pings: roles and named people resolved for one alert.

A ladder level may `mention` roles -- the room's controllers, the supervisors of the
room's teams, everyone in the group -- and name `people`. Each person comes out with
the handles the robots ping by (mobile, WeCom userid, Feishu open_id / user_id); a
robot pings those it has a handle for and lists the others by name.
"""

from __future__ import annotations

from collections.abc import Iterable

from alerts.model import Alert
from config.people import PeopleConfig, PersonConfig

HANDLES = ("mobile", "wecom_userid", "feishu_open_id", "feishu_user_id")


def handles(person: PersonConfig) -> dict[str, str]:
    """Return a person as a mention: id, name and every handle that is set."""
    out = {"id": person.id, "name": person.name or person.id}
    out.update({h: getattr(person, h) for h in HANDLES if getattr(person, h)})
    return out


class Directory:
    """Resolve roles to people from the people section of the config."""

    def __init__(self, people: PeopleConfig | None = None) -> None:
        people = people or PeopleConfig()
        self._people = {p.id: p for p in people.users}
        self._teams = list(people.teams)

    def controllers(self, room: str) -> list[PersonConfig]:
        return [p for p in self._people.values() if p.role == "controller" and room in p.rooms]

    def supervisors(self, alert: Alert) -> list[PersonConfig]:
        """Return the supervisors of the teams the alert's room belongs to (or its team label)."""
        out: list[PersonConfig] = []
        team_label = alert.labels.get("team", "")
        for team in self._teams:
            members = [self._people[m] for m in team.members if m in self._people]
            if (
                alert.room in team.rooms
                or team.id == team_label
                or any(alert.room in m.rooms for m in members)
            ):
                out.extend(self._people[s] for s in team.supervisors if s in self._people)
        return out

    def mentions(
        self, alert: Alert, roles: Iterable[str], people: Iterable[str]
    ) -> tuple[tuple[dict[str, str], ...], bool]:
        """Return the people to ping for an alert (deduplicated, in order) and "everyone"."""
        roles = list(roles)
        chosen: list[PersonConfig] = []
        if "room_controllers" in roles:
            chosen.extend(self.controllers(alert.room))
        if "team_supervisors" in roles:
            chosen.extend(self.supervisors(alert))
        chosen.extend(self._people[p] for p in people if p in self._people)
        unique = {p.id: p for p in chosen}
        return tuple(handles(p) for p in unique.values()), "everyone" in roles
