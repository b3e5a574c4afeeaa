"""Authentication failures: counted apart from the audit log, throttled in bounded memory."""

from __future__ import annotations

import aiohttp

from monitor.access import throttle as th
from monitor.access.throttle import Throttle, address_key
from tests.console.conftest import Running


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


async def test_failed_logins_and_tokens_never_reach_the_audit_log(running: Running) -> None:
    boss = await running.session("boss")
    async with boss:
        async with boss.put(f"{running.base}/api/v1/people/ctl-a", json={"name": "小王"}) as r:
            assert r.status == 200
        before = (await running.service.store.read_records("audit", limit=1000)).copy()
        async with aiohttp.ClientSession() as stranger:
            for i in range(12):
                body = {"user": f"junk-{i}", "password": "guess"}
                async with stranger.post(f"{running.base}/api/v1/login", json=body) as r:
                    assert r.status == 401
            headers = {"Authorization": "Bearer rw2.0123456789abcdef.guess"}
            for _ in range(3):
                async with stranger.get(f"{running.base}/api/v1/alerts", headers=headers) as r:
                    assert r.status == 401
        assert await running.service.store.read_records("audit", limit=1000) == before
        async with boss.get(f"{running.base}/metrics") as r:
            text = await r.text()
    assert 'roomwatch_auth_failures_total{kind="login",reason="bad user or password"} 12.0' in text
    assert 'roomwatch_auth_failures_total{kind="token",reason="unknown token"} 3.0' in text


async def test_strangers_slow_a_known_user_but_cannot_lock_them_out(running: Running) -> None:
    url = f"{running.base}/api/v1/login"
    async with aiohttp.ClientSession() as stranger:
        for _ in range(th.ADDRESS_LIMIT):
            async with stranger.post(url, json={"user": "ctl-b", "password": "guess"}) as r:
                assert r.status in (401, 429)
        # The stranger's address is now refused for every user, with a Retry-After.
        async with stranger.post(url, json={"user": "ctl-a", "password": "pw-ctl-a"}) as r:
            assert r.status == 429 and int(r.headers["Retry-After"]) > 0


def test_junk_users_and_addresses_cannot_push_out_a_target_record() -> None:
    clock = Clock()
    t = Throttle(clock)
    for _ in range(th.USER_FREE + 3):
        t.failed("203.0.113.9", "ctl-a")  # the target is guessed at
    waiting = t.user_wait("ctl-a")
    assert waiting > 0
    for i in range(th.MAX_ADDRESSES * 2):
        # Unknown user names are never tracked (user=None); each from a fresh address.
        t.failed(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", f"junk-{i}", known=False)
    assert t.user_wait("ctl-a") == waiting  # still there
    assert t.address_wait("203.0.113.9") == 0  # 8 failures: under the address limit
    assert len(t) <= 2 * th.MAX_ADDRESSES + 1  # bounded


def test_a_busy_address_stays_tracked_when_the_table_is_full() -> None:
    clock = Clock()
    t = Throttle(clock)
    for _ in range(th.ADDRESS_LIMIT):
        t.failed("198.51.100.7")
    assert t.address_wait("198.51.100.7") > 0
    for i in range(th.MAX_ADDRESSES * 2):
        t.failed(f"2001:db8:{i:x}::1")
    assert t.address_wait("198.51.100.7") > 0  # the one-failure addresses went instead
    clock.t += th.WINDOW
    assert t.address_wait("198.51.100.7") == 0  # and it expires on time


def test_a_known_user_is_spaced_not_locked_and_success_clears() -> None:
    clock = Clock()
    t = Throttle(clock)
    for i in range(th.USER_FREE):
        t.failed(f"192.0.2.{i}", "li")
    assert 0 < t.user_wait("li") <= 1.0
    clock.t += 1.0
    assert t.user_wait("li") == 0  # one more try is let through after the delay
    for _ in range(20):
        t.failed("192.0.2.1", "li")
    assert t.user_wait("li") <= th.USER_MAX_DELAY  # never longer than this
    t.succeeded("li")
    assert t.user_wait("li") == 0


def test_ipv6_clients_are_throttled_by_their_64() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("127.0.0.1") == "127.0.0.1" and address_key(None) == "-"


async def test_unknown_and_known_users_get_the_same_answers(running: Running) -> None:
    url = f"{running.base}/api/v1/login"
    seen = {}
    async with aiohttp.ClientSession() as http:
        for user in ("ctl-a", "no-such-user"):
            statuses = []
            for _ in range(th.USER_FREE + 1):
                async with http.post(url, json={"user": user, "password": "guess"}) as r:
                    statuses.append(r.status)
            seen[user] = statuses
    # Spaced after USER_FREE failures either way: a 429 does not tell who exists.
    assert seen["ctl-a"] == seen["no-such-user"] == [401] * th.USER_FREE + [429]
