"""Families grown in the dev13 round and the reports, warnings, goods and models that name the
same words: members written here (not the development rows) are flagged in their category;
clean sentences built from the same words stay clean."""

from __future__ import annotations

import pytest

from monitor.detect.detector import LexiconDetector
from tests.detect_support import cats, shipped_detector


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.fixture(scope="module")
def with_model() -> LexiconDetector:
    return shipped_detector(model=True)


@pytest.mark.parametrize(
    ("text", "scope", "category"),
    [
        # pitches that deny or point away stay flagged: a denial is no report
        ("我不是托，加我看实拍", "comment", "contact_diversion"),
        ("不是冒充的，我就是主播本人，加我微信", "comment", "contact_diversion"),
        ("我们不是套路贷，不看征信秒批", "comment", "fraud"),
        ("我被骗过，所以现在只在这买，加我微信拉你进群", "comment", "contact_diversion"),
        # the platform's nickname and the messenger as cues
        ("小红薯上搜我", "comment", "contact_diversion"),
        ("在b站搜我的店名", "comment", "contact_diversion"),
        ("绿泡泡加我", "comment", "contact_diversion"),
        ("加vx-1380013800", "comment", "contact_diversion"),
        ("vx200型号有吗 加vx", "comment", "contact_diversion"),
    ],
)
def test_dev13_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    # reports, warnings and moderators: who is told, posing, shills, spam, removal
    ("真正的客服不会要你加vx", "comment"),
    ("官方从来不会叫你转账到私人账户", "comment"),
    ("我也被骗过，谁要验证码都别给", "comment"),
    ("房管把那个发加微信的踢了", "comment"),
    ("有人冒充客服私信让我加群，是你们的人吗", "comment"),
    ("网上不看征信的贷款都是套路，别碰", "comment"),
    ("楼上那个说私聊便宜的，是托吧", "comment"),
    ("评论区老有人发加qq的广告，主播管管", "comment"),
    # goods and models with the same words
    ("洗衣液起绿泡泡正常吗", "comment"),
    ("烤小红薯好吃", "comment"),
    ("小红薯多少钱一斤", "comment"),
    ("b站刷到过这款", "comment"),
    ("VX200款的充电器有货吗", "comment"),
    ("这个托盘是木头的吗", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev13_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()


@pytest.mark.parametrize(
    "text",
    ["我也被骗过，谁要验证码都别给", "有人冒充客服私信让我加群，是你们的人吗"],
)
def test_dev13_reports_quiet_the_model(with_model: LexiconDetector, text: str) -> None:
    assert cats(with_model, text) == set()
