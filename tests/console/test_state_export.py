"""`roomwatch export-state`: the console's changes, kept in Redis, exported to a file."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from alerts.store.redis import RedisStore
from config.people import PeopleConfig
from monitor.access.directory import PEOPLE_KIND, TEAMS_KIND, Person, Team
from monitor.cli import main

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"


def config_file(tmp_path: Path, store: str) -> Path:
    path = tmp_path / "rw.yaml"
    path.write_text(f"store: {store}\nrooms: [{{id: r1}}, {{id: r2}}]\n", encoding="utf-8")
    return path


def test_people_and_teams_in_redis_export_as_a_people_section(
    redis_url: str, tmp_path: Path
) -> None:
    async def edit() -> None:
        store = RedisStore.from_url(redis_url, prefix="exp")
        try:
            added = Person(id="zhao.li", name="赵丽", password=HASH, rooms=("r1",))
            await store.put_item(PEOPLE_KIND, added.id, asdict(added))
            await store.put_item(PEOPLE_KIND, "gone", {"id": "gone", "deleted": True})
            team = Team(id="t1", name="一组", supervisors=("boss",), members=("zhao.li",))
            await store.put_item(TEAMS_KIND, team.id, asdict(team))
        finally:
            await store.close()

    asyncio.run(edit())
    cfg = config_file(tmp_path, f'{{kind: redis, redis_url: "{redis_url}", key_prefix: exp}}')
    out = tmp_path / "exported" / "people.yaml"
    out.parent.mkdir()
    assert main(["export-state", "--config", str(cfg), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "# Deleted in the console: gone" in text
    people = PeopleConfig.model_validate(yaml.safe_load(text)["people"])  # a config takes it
    (user,) = people.users
    assert (user.id, user.name, user.password, user.rooms) == ("zhao.li", "赵丽", HASH, ["r1"])
    assert [(t.id, t.members) for t in people.teams] == [("t1", ["zhao.li"])]


def test_the_memory_store_has_nothing_to_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config_file(tmp_path, "{kind: memory}")
    assert main(["export-state", "--config", str(cfg)]) == 2
    assert "memory store lives in the running process" in capsys.readouterr().err
