"""People config and secrets: hashes, plain-secret rules, team references, the hash CLI."""

from __future__ import annotations

import io
import sys

import pytest

from alerts.store.memory import MemoryStore
from config.loader import ConfigError, load_config_text
from monitor.access.directory import Directory, Person
from monitor.access.passwords import (
    HashFormatError,
    hash_secret,
    new_token,
    pbkdf2_hash,
    token_id,
    token_user,
    verify_secret,
)
from monitor.cli import main
from tests.console.conftest import CONFIG

ROOMS = "rooms: [{id: r1}, {id: r2}]\n"


def test_hash_round_trip_and_format() -> None:
    stored = hash_secret("s3cret-pass")
    assert stored.startswith("$argon2id$")
    assert verify_secret("s3cret-pass", stored)
    assert not verify_secret("s3cret-pasS", stored)
    assert hash_secret("x" * 8) != hash_secret("x" * 8)  # salted
    old = pbkdf2_hash("s3cret-pass", iterations=1000, salt="abc")
    assert old.startswith("pbkdf2_sha256$1000$abc$") and verify_secret("s3cret-pass", old)
    with pytest.raises(HashFormatError):
        verify_secret("a", "pbkdf2_sha256$many$salt$hash")
    with pytest.raises(HashFormatError):
        verify_secret("a", "$argon2id$garbage")
    with pytest.raises(ValueError, match="iterations"):
        pbkdf2_hash("a", iterations=10)
    token, tid = new_token()
    assert token_id(token) == tid and token_id("plain-token") is None
    assert token_id("rw2.NOTHEX0123456789.x") is None
    assert token_user("rw1.li.wei.abc") == "li.wei" and token_user("plain-token") is None


def test_plain_secrets_need_env_or_the_demo_switch() -> None:
    text = ROOMS + "people:\n  users: [{id: a, password: hunter22, tokens: [tok-plain]}]\n"
    with pytest.raises(ConfigError) as exc:
        load_config_text(text, env={})
    paths = {i.path for i in exc.value.issues}
    assert paths == {"people.users[0].password", "people.users[0].tokens[0]"}
    assert "hash-password" in str(exc.value)
    env_text = ROOMS + "people:\n  users: [{id: a, password: '${A_PASS}'}]\n"
    assert load_config_text(env_text, env={"A_PASS": "hunter22"}).people.users[0].password
    for hashed in (hash_secret("hunter22"), pbkdf2_hash("hunter22", iterations=1000)):
        assert load_config_text(ROOMS + f"people:\n  users: [{{id: a, password: '{hashed}'}}]\n")
    filed = f"0123456789abcdef:{hash_secret('tok')}"
    assert load_config_text(ROOMS + f"people:\n  users: [{{id: a, tokens: ['{filed}']}}]\n")
    demo = ROOMS + "people:\n  allow_plain_secrets: true\n  users: [{id: a, password: x}]\n"
    assert load_config_text(demo, env={}).people.users[0].password == "x"


def test_team_references_are_checked() -> None:
    text = (
        ROOMS
        + "people:\n  users: [{id: a}, {id: a}, {id: c, role: controller}]\n"
        + "  teams: [{id: t, supervisors: [c, ghost], members: [nobody], rooms: [r9]}]\n"
    )
    with pytest.raises(ConfigError) as exc:
        load_config_text(text, env={})
    got = {(i.path, i.message) for i in exc.value.issues}
    assert got == {
        ("people.users[1].id", "duplicate user id 'a'"),
        ("people.teams[0].supervisors[0]", "'c' is a controller"),
        ("people.teams[0].supervisors[1]", "unknown user 'ghost'"),
        ("people.teams[0].members[0]", "unknown user 'nobody'"),
        ("people.teams[0].rooms[0]", "unknown room 'r9'"),
    }


async def test_directory_rooms_by_role_and_runtime_changes() -> None:
    config = load_config_text(CONFIG, env={})
    store = MemoryStore()
    d = Directory(config.people, ("r1", "r2", "r3"), store)
    get = d.get
    assert d.rooms_of(get("ctl-a")) == {"r1"}  # type: ignore[arg-type]
    assert d.rooms_of(get("sup-a")) == {"r1", "r3"}  # type: ignore[arg-type]
    assert d.rooms_of(get("boss")) is None  # type: ignore[arg-type]
    await d.save_person(Person(id="ctl-a", role="controller", rooms=("r2",)))
    other = Directory(config.people, ("r1", "r2", "r3"), store)  # another instance
    await other.refresh()
    assert other.rooms_of(other.get("ctl-a")) == {"r2"}  # type: ignore[arg-type]
    assert await other.delete_person("ctl-b") and other.get("ctl-b") is None
    # The config's password wins over the stored person (which holds no secret at all).
    assert await other.check_password("ctl-a", "pw-ctl-a") is not None
    assert (await store.get_items("people"))["ctl-a"]["password"] == ""


def test_hash_password_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse\n"))
    assert main(["hash-password", "--stdin"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("$argon2id$") and verify_secret("correct horse", out)
    assert main(["hash-password", "--token"]) == 0
    token_line, entry_line = capsys.readouterr().out.strip().splitlines()
    token, entry = token_line.split()[-1], entry_line.split()[-1]
    tid, _, hashed = entry.partition(":")
    assert token_id(token) == tid and verify_secret(token, hashed)
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["hash-password", "--stdin"]) == 1
    assert "empty" in capsys.readouterr().err


async def test_a_logout_on_one_instance_ends_the_session_on_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from alerts.clock import ManualClock
    from monitor.access import sessions

    store, clock = MemoryStore(), ManualClock()
    one = sessions.SessionStore(store, clock, ttl=60)
    two = sessions.SessionStore(store, clock, ttl=60)
    sid = await one.create("li")
    found = await two.lookup(sid)  # created on another instance: found via the store
    assert found is not None and found.user == "li"
    assert await two.lookup("forged") is None
    monkeypatch.setattr(sessions, "RECHECK_EVERY", 0.0)
    await one.end(sid)
    assert await two.lookup(sid) is None
    sid2 = await one.create("li")
    clock.advance(61)
    assert await one.lookup(sid2) is None  # expired
    assert sid2 not in str(await store.get_items(sessions.SESSION_KIND))  # digests only
