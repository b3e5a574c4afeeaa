"""The people directory: what the store keeps, how runtime changes merge with the config,
passwords and tokens, each checked from both teams' sides without a running service.

Hashing uses the smallest argon2id parameters (`cheap_hashes`), which also lists every hash
checked, so "one hash check an answer" is asserted here too.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from alerts.store.memory import MemoryStore
from config.loader import load_config_text
from monitor.access import passwords
from monitor.access.directory import (
    MAX_UNFILED_TOKENS,
    PEOPLE_KIND,
    TEAMS_KIND,
    Directory,
    Person,
    Team,
)

pytestmark = pytest.mark.usefixtures("cheap_hashes")

ROOMS = ("r1", "r2", "r3")
CONFIG = """
rooms: [{id: r1}, {id: r2}, {id: r3}]
people:
  allow_plain_secrets: true
  users:
    - {id: ctl-a, name: 小王, role: controller, password: pw-ctl-a, rooms: [r1],
       tokens: [plain-token-a]}
    - {id: ctl-b, name: 小张, role: controller, rooms: [r2]}
    - {id: sup-a, role: supervisor, password: pw-sup-a}
    - {id: sup-b, role: supervisor}
    - {id: boss, role: admin, password: pw-boss}
  teams:
    - {id: team-a, name: 甲组, supervisors: [sup-a], members: [ctl-a], rooms: [r3]}
    - {id: team-b, supervisors: [sup-b], members: [ctl-b]}
"""


def directory(store: MemoryStore | None = None) -> Directory:
    return Directory(load_config_text(CONFIG, env={}).people, ROOMS, store or MemoryStore())


def who(d: Directory, person_id: str) -> Person:
    person = d.get(person_id)
    assert person is not None, person_id
    return person


def test_people_and_teams_come_from_the_config() -> None:
    d = directory()
    assert who(d, "ctl-a") == Person(
        "ctl-a", "小王", "controller", "pw-ctl-a", ("plain-token-a",), ("r1",)
    )
    assert who(d, "sup-b") == Person("sup-b", "", "supervisor")
    assert d.teams["team-a"] == Team("team-a", "甲组", ("sup-a",), ("ctl-a",), ("r3",))
    assert d.teams["team-b"] == Team("team-b", "", ("sup-b",), ("ctl-b",), ())
    assert who(d, "ctl-a").public() == {
        "id": "ctl-a",
        "name": "小王",
        "role": "controller",
        "rooms": ["r1"],
        "has_password": True,
        "tokens": 1,
    }
    assert who(d, "ctl-b").public()["has_password"] is False
    assert d.get("nobody") is None


async def test_items_stored_with_fields_left_out_read_as_the_defaults() -> None:
    store = MemoryStore()
    await store.put_item(PEOPLE_KIND, "new-ctl", {"id": "new-ctl"})
    await store.put_item(TEAMS_KIND, "team-c", {"id": "team-c"})
    d = directory(store)
    await d.refresh()
    assert who(d, "new-ctl") == Person("new-ctl", "", "controller", "", (), ())
    assert d.teams["team-c"] == Team("team-c", "", (), (), ())


async def test_who_answers_for_whom() -> None:
    d = directory()
    assert d.team_members(who(d, "sup-a")) == {"sup-a", "ctl-a"}
    assert d.team_members(who(d, "sup-b")) == {"sup-b", "ctl-b"}
    assert d.team_members(who(d, "ctl-a")) == {"ctl-a"}  # a member answers for no one
    assert d.team_members(who(d, "boss")) == {"boss"}


async def test_runtime_changes_reach_every_instance_and_tell_the_listeners() -> None:
    store = MemoryStore()
    here, there = directory(store), directory(store)
    told: list[str] = []
    there.listeners.append(lambda: told.append("changed"))
    await there.refresh()
    assert told == []  # nothing changed
    # A team moves a room: only the teams change, the listeners hear of it.
    await here.save_team(replace(here.teams["team-b"], rooms=("r3",)))
    assert (await store.get_items(TEAMS_KIND))["team-b"] == {
        "id": "team-b",
        "name": "",
        "supervisors": ("sup-b",),
        "members": ("ctl-b",),
        "rooms": ("r3",),
    }
    await there.refresh()
    assert told == ["changed"]
    assert there.rooms_of(who(there, "sup-b")) == {"r2", "r3"}
    assert there.rooms_of(who(there, "sup-a")) == {"r1", "r3"}
    # A person moves: only the people change.
    await here.save_person(replace(who(here, "ctl-a"), rooms=("r2",)))
    await there.refresh()
    assert told == ["changed", "changed"]
    assert there.rooms_of(who(there, "sup-a")) == {"r2", "r3"}
    await there.refresh()
    assert told == ["changed", "changed"]


async def test_deleted_people_and_teams_stay_deleted_and_others_still_apply() -> None:
    store = MemoryStore()
    d = directory(store)
    assert await d.delete_person("nobody") is False
    assert await store.get_items(PEOPLE_KIND) == {}
    assert await d.delete_person("ctl-a") is True
    assert (await store.get_items(PEOPLE_KIND))["ctl-a"] == {"id": "ctl-a", "deleted": True}
    # A change stored after the deletion still applies.
    await d.save_person(replace(who(d, "ctl-b"), name="张三"))
    await store.put_item(TEAMS_KIND, "team-b", {"id": "team-b", "deleted": True})
    await store.put_item(TEAMS_KIND, "team-c", {"id": "team-c", "supervisors": ["sup-b"]})
    other = directory(store)
    await other.refresh()
    assert other.get("ctl-a") is None and who(other, "ctl-b").name == "张三"
    assert set(other.teams) == {"team-a", "team-c"}
    assert other.rooms_of(who(other, "sup-a")) == {"r3"}  # ctl-a's r1 went with them
    assert other.rooms_of(who(other, "sup-b")) == frozenset()  # team-b is gone
    assert other.team_members(who(other, "sup-b")) == {"sup-b"}


async def test_people_and_teams_only_the_store_knew_can_be_deleted_too() -> None:
    store = MemoryStore()
    d = directory(store)
    await d.save_person(Person("temp", role="controller", rooms=("r2",)))
    await d.save_team(Team("team-c", supervisors=("sup-a",), rooms=("r2",)))
    assert d.rooms_of(who(d, "sup-a")) == {"r1", "r2", "r3"}
    assert await d.delete_person("temp") is True
    await store.put_item(TEAMS_KIND, "team-c", {"id": "team-c", "deleted": True})
    for each in (d, directory(store)):
        await each.refresh()
        assert each.get("temp") is None and "team-c" not in each.teams
        assert each.rooms_of(who(each, "sup-a")) == {"r1", "r3"}


async def test_the_store_never_keeps_a_secret_from_the_config() -> None:
    store = MemoryStore()
    d = directory(store)
    hashed = passwords.hash_secret("set-by-admin")
    token, tid = passwords.new_token()
    filed = f"{tid}:{passwords.hash_secret(token)}"
    unfiled = passwords.hash_secret("rw1-secret")
    # ctl-a: the config's password and plain token; admin-made hash and tokens added.
    ctl_a = who(d, "ctl-a")
    item = d.stored_item(replace(ctl_a, tokens=(*ctl_a.tokens, filed, unfiled, "plain-x")))
    assert item == {
        "id": "ctl-a",
        "name": "小王",
        "role": "controller",
        "password": "",  # the config's, never stored
        "tokens": [filed, unfiled],
        "rooms": ("r1",),
    }
    # ctl-b has no config password: an admin-set hash is stored, a plain one never.
    assert d.stored_item(replace(who(d, "ctl-b"), password=hashed))["password"] == hashed
    assert d.stored_item(replace(who(d, "ctl-b"), password="plain-pw"))["password"] == ""
    # A person only the store knows: their hash and tokens are theirs to keep.
    new = Person("new-ctl", password=hashed, tokens=(filed, "plain-token-a"))
    item = d.stored_item(new)
    assert (item["password"], item["tokens"]) == (hashed, [filed])
    # A config token that is a hash is the config's too: never copied to the store, so
    # taking it out of the config revokes it.
    filed_in_config = f"{tid}:{passwords.hash_secret(token)}"
    text = CONFIG.replace("tokens: [plain-token-a]", f"tokens: ['{filed_in_config}']")
    d3 = Directory(load_config_text(text, env={}).people, ROOMS, store)
    assert d3.stored_item(who(d3, "ctl-a"))["tokens"] == []
    await d3.save_person(replace(who(d3, "ctl-a"), name="王五"))
    assert (found := await d3.check_token(token)) is not None and found.id == "ctl-a"
    restarted = directory(store)
    await restarted.refresh()
    assert who(restarted, "ctl-a").name == "王五"
    assert await restarted.check_token(token) is None
    # A config password that is a hash is the config's too.
    config_hash = passwords.hash_secret("from-config")
    text = CONFIG.replace("password: pw-boss", f"password: '{config_hash}'")
    d2 = Directory(load_config_text(text, env={}).people, ROOMS, store)
    assert d2.stored_item(who(d2, "boss"))["password"] == ""
    assert d2.stored_item(replace(who(d2, "boss"), password=hashed))["password"] == hashed


async def test_config_secrets_win_and_stored_hashes_are_kept() -> None:
    store = MemoryStore()
    d = directory(store)
    hashed = passwords.hash_secret("set-by-admin")
    token, tid = passwords.new_token()
    filed = f"{tid}:{passwords.hash_secret(token)}"
    # Saved through the directory: the store holds the hash, the config adds its own.
    await d.save_person(replace(who(d, "ctl-a"), password=hashed, tokens=(filed,)))
    await d.save_person(replace(who(d, "ctl-b"), password=hashed, tokens=(filed,)))
    other = directory(store)
    await other.refresh()
    assert who(other, "ctl-a").password == "pw-ctl-a"  # the config wins
    assert who(other, "ctl-a").tokens == ("plain-token-a", filed)  # config first
    assert who(other, "ctl-b").password == hashed  # nothing in the config: the stored hash
    assert who(other, "ctl-b").tokens == (filed,)
    assert await other.check_password("ctl-b", "set-by-admin") is not None
    assert await other.check_password("ctl-a", "set-by-admin") is None
    assert other.password_from_config("ctl-a") and other.password_from_config("boss")
    assert not other.password_from_config("ctl-b") and not other.password_from_config("nobody")
    # A stored person without a password has none: no stand-in text logs them in.
    await store.put_item(PEOPLE_KIND, "new-ctl", {"id": "new-ctl", "password": ""})
    await other.refresh()
    assert who(other, "new-ctl").password == ""
    for guess in ("", "XXXX", "None"):
        assert await other.check_password("new-ctl", guess) is None


async def test_plain_secrets_in_the_store_are_scrubbed_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MemoryStore()
    hashed = passwords.hash_secret("set-by-admin")
    token, tid = passwords.new_token()
    filed = f"{tid}:{passwords.hash_secret(token)}"
    fine = {"id": "fine", "password": hashed, "tokens": [filed]}
    empty = {"id": "empty", "password": "", "tokens": []}
    await store.put_item(PEOPLE_KIND, "fine", fine)
    await store.put_item(PEOPLE_KIND, "empty", empty)
    await store.put_item(PEOPLE_KIND, "plain-pw", {"id": "plain-pw", "password": "hunter22"})
    await store.put_item(
        PEOPLE_KIND, "plain-tok", {"id": "plain-tok", "password": hashed, "tokens": [filed, "tok"]}
    )
    d = directory(store)
    with caplog.at_level(logging.WARNING, logger="monitor.access.directory"):
        await d.refresh()
    warned = sorted(r.getMessage() for r in caplog.records)
    assert warned == [
        "removed plain secrets of plain-pw from the store",
        "removed plain secrets of plain-tok from the store",
    ]
    items = await store.get_items(PEOPLE_KIND)
    assert items["fine"] == fine and items["empty"] == empty
    assert items["plain-pw"] == {"id": "plain-pw", "password": "", "tokens": []}
    assert items["plain-tok"] == {"id": "plain-tok", "password": hashed, "tokens": [filed]}
    assert who(d, "plain-pw").password == "" and who(d, "plain-tok").tokens == (filed,)
    assert await d.check_password("plain-pw", "hunter22") is None
    assert await d.check_password("plain-tok", "set-by-admin") is not None
    assert await d.check_token("tok") is None
    assert (found := await d.check_token(token)) is not None and found.id == "plain-tok"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="monitor.access.directory"):
        await directory(store).refresh()
    assert caplog.records == []  # nothing left to scrub


async def test_every_password_answer_costs_one_hash_check(cheap_hashes: list[str]) -> None:
    d = directory()
    for user, password, ok in [
        ("ctl-a", "pw-ctl-a", True),
        ("ctl-a", "pw-ctl-b", False),
        ("ctl-a", "", False),
        ("sup-a", "pw-sup-a", True),
        ("sup-b", "", False),  # no password set, none given
        ("sup-b", "anything", False),  # no password set
        ("nobody", "pw-ctl-a", False),
        ("nobody", "", False),
    ]:
        cheap_hashes.clear()
        found = await d.check_password(user, password)
        assert (found is not None) == ok, (user, password)
        assert found is None or found.id == user
        assert len(cheap_hashes) == 1, (user, password)


async def test_older_hashes_are_rehashed_at_login_unless_the_config_gives_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MemoryStore()
    old = passwords.pbkdf2_hash("set-by-admin-1", iterations=1000)
    await store.put_item(PEOPLE_KIND, "new-ctl", {"id": "new-ctl", "password": old})
    d = directory(store)
    await d.refresh()
    assert await d.check_password("new-ctl", "wrong") is None
    assert (await store.get_items(PEOPLE_KIND))["new-ctl"]["password"] == old
    with caplog.at_level(logging.INFO, logger="monitor.access.directory"):
        found = await d.check_password("new-ctl", "set-by-admin-1")
    assert found is not None and found.id == "new-ctl"
    rehashed = (await store.get_items(PEOPLE_KIND))["new-ctl"]["password"]
    assert rehashed.startswith("$argon2id$") and passwords.verify_secret("set-by-admin-1", rehashed)
    assert who(d, "new-ctl").password == rehashed
    assert [r.getMessage() for r in caplog.records] == [
        "rehashed the password of new-ctl with argon2id"
    ]
    # The same older hash given by the config: it cannot be rewritten, the operator is told.
    text = CONFIG.replace("password: pw-boss", f"password: '{old}'")
    d2 = Directory(load_config_text(text, env={}).people, ROOMS, MemoryStore())
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="monitor.access.directory"):
        assert await d2.check_password("boss", "set-by-admin-1") is not None
    assert await d2.store.get_items(PEOPLE_KIND) == {}
    assert who(d2, "boss").password == old
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING
    assert warning.getMessage() == (
        "the config's password hash of boss is an older kind: replace it with the "
        "output of roomwatch hash-password"
    )


async def test_tokens_are_found_by_their_id_with_one_hash_check(cheap_hashes: list[str]) -> None:
    store = MemoryStore()
    d = directory(store)
    made: dict[str, list[tuple[str, str]]] = {"ctl-a": [], "ctl-b": []}
    for user in made:
        for _ in range(3):
            token, tid = passwords.new_token()
            filed = f"{tid}:{passwords.hash_secret(token)}"
            made[user].append((token, filed))
            await d.save_person(replace(who(d, user), tokens=(*who(d, user).tokens, filed)))
    for user, tokens in made.items():
        for token, filed in tokens:
            cheap_hashes.clear()
            assert (found := await d.check_token(token)) is not None and found.id == user
            assert cheap_hashes == [filed.split(":", 1)[1]]  # its own hash, nothing else
            cheap_hashes.clear()
            assert (await d.check_token(token)) is found  # remembered: no second check
            assert cheap_hashes == []
    # The right id with a wrong secret: that one hash, then no.
    token, filed = made["ctl-b"][1]
    tid = filed.split(":")[0]
    cheap_hashes.clear()
    assert await d.check_token(f"rw2.{tid}.guessed") is None
    assert len(cheap_hashes) == 1
    # The config's plain token is found by its digest, without a hash check.
    cheap_hashes.clear()
    assert (found := await d.check_token("plain-token-a")) is not None and found.id == "ctl-a"
    assert await d.check_token("plain-token-b") is None
    assert cheap_hashes == []
    # A removed token stops working at once, though it was remembered.
    token, filed = made["ctl-a"][0]
    person = who(d, "ctl-a")
    await d.save_person(replace(person, tokens=tuple(t for t in person.tokens if t != filed)))
    assert await d.check_token(token) is None
    assert (await d.check_token(made["ctl-a"][1][0])) is not None
    # Another instance finds the tokens from the store.
    other = directory(store)
    await other.refresh()
    assert (found := await other.check_token(made["ctl-b"][2][0])) is not None
    assert found.id == "ctl-b"


async def test_older_rw1_tokens_try_only_their_users_first_hashes(
    cheap_hashes: list[str],
) -> None:
    store = MemoryStore()
    d = directory(store)
    secrets = [f"rw1.ctl-b.secret-{i}" for i in range(MAX_UNFILED_TOKENS + 1)]
    hashes = tuple(passwords.hash_secret(s) for s in secrets)
    await d.save_person(replace(who(d, "ctl-b"), tokens=hashes))
    for secret in secrets[:MAX_UNFILED_TOKENS]:
        cheap_hashes.clear()
        assert (found := await d.check_token(secret)) is not None and found.id == "ctl-b"
        assert cheap_hashes == list(hashes[: secrets.index(secret) + 1])
    cheap_hashes.clear()
    assert await d.check_token(secrets[-1]) is None  # past the limit: never tried
    assert cheap_hashes == list(hashes[:MAX_UNFILED_TOKENS])
    # Naming another user checks that user's hashes only (ctl-a has none).
    cheap_hashes.clear()
    assert await d.check_token("rw1.ctl-a.secret-0") is None
    assert await d.check_token("rw1.nobody.secret-0") is None
    assert cheap_hashes == []
