"""How the chat robots' answers are judged: delivered, worth retrying, or final."""

from __future__ import annotations

import pytest

from alerts.notify import dingtalk, feishu, wecom
from alerts.notify.base import judge_robot


@pytest.mark.parametrize(
    ("status", "body", "ok", "retry"),
    [
        (200, b'{"errcode": 0}', True, False),
        (200, b'{"errcode": 310000}', False, False),  # bad keyword or sign: final
        (200, b'{"errcode": 130101}', False, True),  # sent too fast: retry
        (200, b"<html>proxy</html>", False, True),  # not the robot answering: retry
        (200, b"[]", False, True),
        (503, b"", False, True),
        (404, b'{"errcode": 0}', False, False),
    ],
)
def test_dingtalk_style_answers(status: int, body: bytes, ok: bool, retry: bool) -> None:
    out = judge_robot(status, body, vendor="DingTalk", keys=("errcode",), rate_limited=130101)
    assert (out.ok, out.retry) == (ok, retry)


def test_feishu_reads_code_then_status_code() -> None:
    keys = ("code", "StatusCode")
    assert judge_robot(200, b'{"StatusCode": 0}', vendor="Feishu", keys=keys, rate_limited=1).ok
    late = judge_robot(
        200, b'{"StatusCode": 11232}', vendor="Feishu", keys=keys, rate_limited=11232
    )
    assert (late.ok, late.retry) == (False, True)


def test_each_robot_has_its_own_rate_limit_code() -> None:
    assert {dingtalk.RATE_LIMITED, wecom.RATE_LIMITED, feishu.RATE_LIMITED} == {
        130101,
        45009,
        11232,
    }
