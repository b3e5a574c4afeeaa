"""Secrets stay in the config and environment: the store holds hashes only, rotation works."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import aiohttp
import pytest
import redis
from argon2 import PasswordHasher

from alerts.store.base import AlertStore
from alerts.store.memory import MemoryStore
from config.loader import load_config_text
from monitor.access import passwords
from monitor.access.directory import Directory
from monitor.access.passwords import pbkdf2_hash
from tests.console.conftest import start

PEOPLE = """
rooms: [{id: r1}, {id: r2}]
people:
  users:
    - { id: ctl-a, role: controller, password: "${PW_CTL}", rooms: [r1] }
    - { id: boss, role: admin, password: "${PW_BOSS}" }
"""
OLD, NEW, BOSS = "old-secret-0001", "new-secret-0002", "boss-secret-003"


async def _login(base: str, user: str, password: str) -> tuple[int, aiohttp.ClientSession]:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.post(f"{base}/api/v1/login", json={"user": user, "password": password}) as r:
        return r.status, http


def _redis_bytes(url: str) -> bytes:
    """Return every value under every key of the Redis database (AOF-like: all it holds)."""
    client = redis.Redis.from_url(url)
    out = []
    try:
        for key in client.scan_iter():
            kind = client.type(key)
            if kind == b"hash":
                out += [k + v for k, v in client.hgetall(key).items()]
            elif kind == b"string":
                out.append(client.get(key) or b"")
            elif kind == b"list":
                out += client.lrange(key, 0, -1)
    finally:
        client.close()
    return b"\n".join(out)


async def test_env_password_never_reaches_the_store_and_rotation_works(
    store_section: str, request: pytest.FixtureRequest
) -> None:
    config = store_section + PEOPLE
    shared: AlertStore | None = None if store_section else MemoryStore()
    run, stop, task = await start(config, env={"PW_CTL": OLD, "PW_BOSS": BOSS}, store=shared)
    try:
        status, boss = await _login(run.base, "boss", BOSS)
        async with boss:
            assert status == 200
            url = f"{run.base}/api/v1/people/ctl-a"
            async with boss.put(url, json={"rooms": ["r2"], "name": "小王"}) as r:
                assert r.status == 200, await r.text()
            async with boss.post(f"{url}/tokens") as r:
                token = (await r.json())["token"]
            async with boss.put(url, json={"password": "admin-chosen-1"}) as r:
                # The environment gives this password: a stored one would never be used.
                assert r.status == 409 and (await r.json())["error"].startswith("password")
        stored = str(await run.service.store.get_items("people"))
        for secret in (OLD, BOSS, token):
            assert secret not in stored
        if store_section:
            raw = _redis_bytes(request.getfixturevalue("redis_url"))
            assert b"people" in raw or b"ctl-a" in raw  # the edit is in Redis...
            for secret in (OLD, BOSS, token):
                assert secret.encode() not in raw  # ...and no secret with it
    finally:
        stop.set()
        await task
    # The operator rotates the variable and restarts: the old password fails, the new works.
    run, stop, task = await start(config, env={"PW_CTL": NEW, "PW_BOSS": BOSS}, store=shared)
    try:
        status, old = await _login(run.base, "ctl-a", OLD)
        await old.close()
        assert status == 401
        status, new = await _login(run.base, "ctl-a", NEW)
        async with new:
            assert status == 200
            async with new.get(f"{run.base}/api/v1/me") as r:
                me = await r.json()
            assert me["visible_rooms"] == ["r2"] and me["name"] == "小王"  # the edit stayed
        async with (
            aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
            http.get(f"{run.base}/api/v1/me") as r,
        ):
            assert r.status == 200 and (await r.json())["id"] == "ctl-a"  # so did the token
    finally:
        stop.set()
        await task


async def test_plain_secrets_left_in_the_store_are_removed_and_never_trusted() -> None:
    store = MemoryStore()
    # What an older version wrote when an admin edited a person from ${ENV}.
    await store.put_item(
        "people",
        "ctl-a",
        {"id": "ctl-a", "role": "admin", "password": OLD, "tokens": ["plain-token-x"]},
    )
    config = load_config_text(PEOPLE, env={"PW_CTL": NEW, "PW_BOSS": BOSS})
    d = Directory(config.people, ("r1", "r2"), store)
    await d.refresh()
    assert await d.check_password("ctl-a", OLD) is None
    assert await d.check_password("ctl-a", NEW) is not None
    assert await d.check_token("plain-token-x") is None
    item = (await store.get_items("people"))["ctl-a"]
    assert item["password"] == "" and item["tokens"] == []


async def test_older_hashes_set_through_the_api_are_rehashed_at_login() -> None:
    store = MemoryStore()
    old_hash = pbkdf2_hash("set-by-admin-1", iterations=1000)
    await store.put_item(
        "people", "new-ctl", {"id": "new-ctl", "role": "controller", "password": old_hash}
    )
    config = load_config_text(PEOPLE, env={"PW_CTL": NEW, "PW_BOSS": BOSS})
    d = Directory(config.people, ("r1", "r2"), store)
    await d.refresh()
    assert await d.check_password("new-ctl", "wrong-password") is None
    assert (await store.get_items("people"))["new-ctl"]["password"] == old_hash  # not on failure
    assert await d.check_password("new-ctl", "set-by-admin-1") is not None
    rehashed = (await store.get_items("people"))["new-ctl"]["password"]
    assert rehashed.startswith("$argon2id$")
    other = Directory(config.people, ("r1", "r2"), store)  # another instance, or a restart
    await other.refresh()
    assert await other.check_password("new-ctl", "set-by-admin-1") is not None


async def test_every_answer_costs_one_hash_check_and_tokens_are_found_by_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = load_config_text(PEOPLE, env={"PW_CTL": NEW, "PW_BOSS": BOSS})
    store = MemoryStore()
    d = Directory(config.people, ("r1", "r2"), store)
    checks: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Any:
            checks.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "HASHER", Counting())
    for user, password in (("nobody", "x"), ("ctl-a", "wrong"), ("ctl-a", NEW), ("boss", BOSS)):
        checks.clear()
        await d.check_password(user, password)
        assert len(checks) == 1, (user, password)  # unknown users too: uniform timing
    # Tokens: a dozen on file, one hash check for a token naming a real id, none otherwise.
    made = []
    for _ in range(12):
        token, tid = passwords.new_token()
        made.append((token, tid))
        person = d.get("ctl-a")
        assert person is not None
        filed = f"{tid}:{passwords.hash_secret(token)}"
        await d.save_person(replace(person, tokens=(*person.tokens, filed)))
    checks.clear()
    token, tid = made[5]
    assert (found := await d.check_token(token)) is not None and found.id == "ctl-a"
    assert len(checks) == 1
    checks.clear()
    assert await d.check_token(f"rw2.{tid}.guessed-secret") is None
    assert len(checks) == 1
    checks.clear()
    for guess in ("rw2.0123456789abcdef.x", "rw2.x", "Zm9vYmFy" * 8, "rw1.nobody.x"):
        assert await d.check_token(guess) is None
    assert checks == []  # no stored hash is tried for a token that names none
