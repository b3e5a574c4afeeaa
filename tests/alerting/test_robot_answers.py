"""How the robots' answers are judged: delivered, throttled (pause), worth retrying, or final."""

from __future__ import annotations

import pytest

from alerts.notify import dingtalk, feishu, wecom
from alerts.notify.base import judge_http, judge_robot, retry_after


@pytest.mark.parametrize(
    ("status", "body", "ok", "retry", "throttled"),
    [
        (200, b'{"errcode": 0}', True, False, False),
        (200, b'{"errcode": 310000}', False, False, False),  # bad keyword or sign: final
        (200, b'{"errcode": 130101, "errmsg": "send too fast"}', False, True, True),
        (200, b"<html>proxy</html>", False, True, False),  # not the robot answering: retry
        (200, b"[]", False, True, False),
        (503, b"", False, True, False),
        (429, b"", False, True, True),
        (404, b'{"errcode": 0}', False, False, False),
    ],
)
def test_dingtalk_answers(status: int, body: bytes, ok: bool, retry: bool, throttled: bool) -> None:
    out = judge_robot(
        status, body, vendor="DingTalk", keys=("errcode",), throttle=dingtalk.THROTTLE
    )
    assert (out.ok, out.retry, out.throttled) == (ok, retry, throttled)


def test_feishu_reads_code_then_status_code_and_9499_only_throttles_when_it_says_so() -> None:
    keys = ("code", "StatusCode")

    def judge(body: bytes) -> tuple[bool, bool, bool]:
        out = judge_robot(200, body, vendor="Feishu", keys=keys, throttle=feishu.THROTTLE)
        return out.ok, out.retry, out.throttled

    assert judge(b'{"StatusCode": 0}') == (True, False, False)
    assert judge(b'{"StatusCode": 11232, "msg": "frequency limited"}') == (False, True, True)
    assert judge(b'{"code": 9499, "msg": "too many request"}') == (False, True, True)
    assert judge(b'{"code": 9499, "msg": "Bad Request"}') == (False, False, False)  # final


def test_each_robot_has_its_own_rate_limit_code() -> None:
    assert {dingtalk.RATE_LIMITED, wecom.RATE_LIMITED, feishu.RATE_LIMITED} == {
        130101,
        45009,
        11232,
    }


def test_a_429_says_how_long_to_wait() -> None:
    assert retry_after({"Retry-After": "30"}) == 30.0
    assert retry_after({"x-ogw-ratelimit-reset": "52"}) == 52.0  # Feishu's open API header
    assert retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None
    assert retry_after({"Retry-After": "-5"}) is None
    assert retry_after({"Retry-After": "1e9"}) is None  # absurd: the configured pause instead
    out = judge_http(429, {"Retry-After": "7"})
    assert (out.throttled, out.retry_after) == (True, 7.0)
