"""Naming a room's own platform is no diversion there; naming another one still is."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.loader import ConfigError, load_config_text
from monitor.app import build_service
from monitor.detect.detector import detection_job
from monitor.events import CommentEvent, SpeechEvent
from tests.detect_support import cats, shipped_detector

CONFIG = """
rooms:
  - {id: dy-room, platform: douyin}
  - {id: ks-room, platform: kuaishou}
  - {id: own-room}
sources: [{type: http_ingest, id: shop, token: shop-token-123456}]
detection:
  reload_interval: 0
  categories:
    - {id: contact_diversion, terms: [抖音, 淘宝], homophones: true, contact: true}
"""


def test_the_shipped_detector_clears_only_the_rooms_own_platform() -> None:
    det = shipped_detector()

    def flagged(text: str, platform: str) -> set[str]:
        found = det.analyze(text, "comment", "u", 1.0, platform).sensitive
        return {f.category for f in found}

    for text in ("抖音商城搜同款", "斗音上见过", "dy上搜同款"):
        assert flagged(text, "douyin") == set(), text
        assert flagged(text, "kuaishou") == {"contact_diversion"}, text
        assert flagged(text, "") == {"contact_diversion"}, text
    # Where a viewer watched or followed the host, or paid, is no diversion in any room.
    for text in ("我在抖音关注你好久了", "我在快手看了好久，终于等到开播", "能用抖音月付吗"):
        for platform in ("douyin", "kuaishou", ""):
            assert flagged(text, platform) == set(), (text, platform)
    # Another shop, a contact number or a scam stays flagged in a Douyin room.
    assert flagged("去淘宝买更便宜", "douyin") == {"contact_diversion"}
    assert "contact_diversion" in flagged("抖音不方便，加微信13800138000", "douyin")
    assert cats(det, "抖音商城搜同款") == {"contact_diversion"}


@pytest.mark.parametrize("processes", [0, 1])
async def test_the_service_passes_each_rooms_platform_to_detection(
    tmp_path: Path, processes: int
) -> None:
    text = CONFIG + f"pipeline: {{detect_processes: {processes}}}\n"
    config = load_config_text(text, base_dir=tmp_path)
    service = build_service(config)
    pipeline = service.pipeline
    assert pipeline.platforms == {"dy-room": "douyin", "ks-room": "kuaishou", "own-room": "inhouse"}
    events = [
        CommentEvent(room=room, ts=1.0 + i, id=f"e{i}", text="抖音商城搜同款", user=f"u{i}")
        for i, room in enumerate(("dy-room", "ks-room", "own-room"))
    ]
    if processes:
        assert pipeline.offload is not None
        await pipeline.offload.start()
        try:
            flags = await pipeline._detect_elsewhere(0, events)
        finally:
            await pipeline.offload.stop()
    else:
        flags = [service.detector.detect(e) for e in events]
    categories = [sorted(f.category for f in found or []) for found in flags]
    assert categories == [[], ["contact_diversion"], ["contact_diversion"]]


def test_a_job_carries_the_platform_for_comments_and_speech() -> None:
    comment = CommentEvent(room="r", ts=2.0, id="c", text="抖音", user="u")
    speech = SpeechEvent(room="r", ts=3.0, id="s", text="抖音")
    assert detection_job(comment, "douyin") == ("comment", "抖音", "r\x1fu", 2.0, "douyin")
    assert detection_job(speech) == ("speech", "抖音", "r\x1f\x00host", 3.0, "")


def test_own_platform_terms_are_validated() -> None:
    with pytest.raises(ConfigError, match=r"detection\.own_platform_terms\.myspace.*douyin"):
        load_config_text("detection: {own_platform_terms: {myspace: [ms]}}\n")
    config = load_config_text("detection: {own_platform_terms: {douyin: [抖音]}}\n")
    assert config.detection.own_platform_terms == {"douyin": ["抖音"]}
