"""Config of people's handles, mentions and budgets: bad input named by its key path."""

from __future__ import annotations

import pytest

from config.loader import ConfigError, load_config_text

GOOD = """\
rooms: [{id: r1}]
people:
  allow_plain_secrets: true
  users:
    - {id: zhang, rooms: [r1], mobile: "+86-13800000001", wecom_userid: zhangwei,
       feishu_open_id: ou_abc123, feishu_user_id: "5d9bdxxx"}
    - {id: wang, role: supervisor}
  teams: [{id: t1, supervisors: [wang], members: [zhang]}]
notifiers:
  - {type: dingtalk, id: ding, url: "https://oapi.dingtalk.com/robot/send?access_token=x",
     console_url: "https://console.example", budget: {per_minute: 10}}
escalation:
  ladders:
    - id: default
      levels:
        - {notify: [ding], mention: [room_controllers, team_supervisors, everyone], people: [wang]}
"""


def issues_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config_text(text, file="c.yaml", env={})
    return sorted(str(i) for i in info.value.issues)


def test_handles_mentions_and_budgets_load() -> None:
    config = load_config_text(GOOD, file="c.yaml", env={})
    zhang = config.people.users[0]
    assert (zhang.mobile, zhang.wecom_userid, zhang.feishu_open_id) == (
        "+86-13800000001", "zhangwei", "ou_abc123",
    )  # fmt: skip
    ding = config.notifiers[0]
    assert ding.budget.per_minute == 10 and ding.budget.throttle_pause == 60.0  # given: no default
    level = config.escalation.ladders[0].levels[0]
    assert level.mention == ["room_controllers", "team_supervisors", "everyone"]


def test_robot_budgets_default_to_the_documented_limits() -> None:
    text = GOOD.replace(", budget: {per_minute: 10}", "")
    ding = load_config_text(text, file="c.yaml", env={}).notifiers[0]
    assert (ding.budget.per_minute, ding.budget.throttle_pause) == (19, 600.0)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('mobile: "+86-13800000001"', 'mobile: "call me"',
         "people.users[0].mobile: String should match pattern"),
        ("feishu_open_id: ou_abc123", "feishu_open_id: 'x<script>'",
         "people.users[0].feishu_open_id: String should match pattern"),
        ("wecom_userid: zhangwei", "wecom_userid: '<@all>'",
         "people.users[0].wecom_userid: String should match pattern"),
        ("people: [wang]", "people: [nobody]",
         "escalation.ladders[0].levels[0].people[0]: unknown user 'nobody'"),
        ("everyone]", "the_boss]", "escalation.ladders[0].levels[0].mention[2]: Input should be"),
        ("budget: {per_minute: 10}", "budget: {per_minute: -1}",
         "notifiers[0].budget.per_minute: Input should be greater than or equal to 0"),
        ("budget: {per_minute: 10}", "budget: {per_hour: 10}",
         "notifiers[0].budget.per_hour: unknown key"),
        ('console_url: "https://console.example"', 'console_url: "javascript:alert(1)"',
         "notifiers[0].console_url: String should match pattern"),
    ],
)  # fmt: skip
def test_bad_handles_mentions_and_budgets_are_named(old: str, new: str, expected: str) -> None:
    assert old in GOOD
    [issue] = issues_of(GOOD.replace(old, new))
    assert expected in issue, issue
