"""What each Douyin message becomes, field by field: time, id, sender, counts and their caps."""

from __future__ import annotations

import gzip
import time
from dataclasses import replace

from monitor.collectors.douyin import DouyinCollector, PresignedUrl
from monitor.collectors.douyin_codec import DouyinPushDecoder
from monitor.collectors.proto import webcast_pb2 as pb
from monitor.collectors.webcast_frames import MAX_INFLATED
from monitor.events import (
    MAX_ID_LEN,
    FollowEvent,
    GiftEvent,
    LikeEvent,
    MetricEvent,
    event_to_dict,
    parse_event,
)
from tests.collectors.fake_douyin import chat, message, push_frame
from tests.collectors.helpers import FAST, new_stats

T_MS = 1776121373297  # a create_time in milliseconds
T = 1776121373.297
USER = pb.User(id=5, nickname="小红")


def decode(*messages: pb.Message) -> list[object]:
    d = DouyinPushDecoder(room="r1", source="dy", stats=new_stats("dy"))
    out = d.decode(push_frame(list(messages), log_id=7_302_118_553_000_000_001))
    assert out.errors == 0
    return list(out.events)


def common(msg_id: int = 0) -> pb.Common:
    return pb.Common(msg_id=msg_id, create_time=T_MS)


def test_a_chat_without_create_time_keeps_its_event_time() -> None:
    body = pb.ChatMessage(user=USER, content="在吗", event_time=1776121373)
    [comment] = decode(message("WebcastChatMessage", body, 11))
    assert comment.ts == 1776121373.0  # type: ignore[attr-defined]


def test_a_single_gift_is_one_event_with_its_sender_count_and_value() -> None:
    # No group_id: a gift sent once, not a combo streak.
    body = pb.GiftMessage(
        common=common(),
        user=USER,
        combo_count=2,
        group_count=3,
        gift=pb.GiftStruct(id=463, name="玫瑰", diamond_count=10),
    )
    [gift] = decode(message("WebcastGiftMessage", body, 21))
    assert isinstance(gift, GiftEvent)
    assert (gift.gift, gift.count, gift.user, gift.nickname) == ("玫瑰", 6, "5", "小红")
    assert gift.value == 6.0  # 10 diamonds x 6 gifts x 0.1 yuan
    assert (gift.id, gift.ts, gift.room, gift.source) == ("dy:21", T, "r1", "dy")


def test_a_gift_counts_at_least_one_and_is_named_by_its_id_when_unnamed() -> None:
    plain = pb.GiftMessage(common=common(), user=USER, gift=pb.GiftStruct(id=463))
    [gift] = decode(message("WebcastGiftMessage", plain, 22))
    assert isinstance(gift, GiftEvent) and (gift.gift, gift.count) == ("gift-463", 1)


def test_gift_counts_are_capped() -> None:
    huge = pb.GiftMessage(
        common=common(), user=USER, repeat_count=10**6, group_count=10**4, gift=pb.GiftStruct()
    )
    [gift] = decode(message("WebcastGiftMessage", huge, 23))
    assert isinstance(gift, GiftEvent) and gift.count == 10**9


def test_a_streak_from_a_long_user_id_keeps_an_id_the_event_parser_accepts() -> None:
    body = pb.GiftMessage(
        common=common(),
        gift_id=463,
        user=pb.User(id_str="9" * 128, nickname="小红"),
        group_id=7,
        repeat_count=3,
        repeat_end=1,
        gift=pb.GiftStruct(name="玫瑰"),
    )
    [gift] = decode(message("WebcastGiftMessage", body, 24))
    assert len(gift.id) == MAX_ID_LEN  # type: ignore[attr-defined]
    assert parse_event(event_to_dict(gift)).id == gift.id  # type: ignore[arg-type]


def test_viewer_and_watched_figures_keep_zero_and_one_and_skip_missing_ones() -> None:
    events = decode(
        message("WebcastRoomUserSeqMessage", pb.RoomUserSeqMessage(common=common(), total=0), 31),
        message("WebcastRoomStatsMessage", pb.RoomStatsMessage(common=common()), 32),
        message("WebcastRoomStatsMessage", pb.RoomStatsMessage(common=common(), total=1), 33),
        message("WebcastRoomStatsMessage", pb.RoomStatsMessage(common=common(), total=10**15), 34),
    )
    readings = [(e.name, e.value, e.id, e.ts) for e in events if isinstance(e, MetricEvent)]
    # An empty stats message is no reading at all (a zero would drop the room's figure).
    assert readings == [
        ("online_viewers", 0.0, "dy:31", T),
        ("watched_total", 1.0, "dy:33", T),
        ("watched_total", 1e12, "dy:34", T),
    ]


def test_likes_without_a_total_leave_the_total_unknown_and_big_ones_are_capped() -> None:
    events = decode(
        message("WebcastLikeMessage", pb.LikeMessage(common=common(), count=3, user=USER), 41),
        message(
            "WebcastLikeMessage",
            pb.LikeMessage(common=common(), count=10**15, total=10**15, user=USER),
            42,
        ),
    )
    likes = [(e.count, e.total) for e in events if isinstance(e, LikeEvent)]
    assert likes == [(3, None), (10**12, 10**12)]


def test_only_a_fan_club_join_is_a_follow_with_its_sender() -> None:
    events = decode(
        message(
            "WebcastFansclubMessage", pb.FansclubMessage(common=common(), type=1, user=USER), 51
        ),
        message(
            "WebcastFansclubMessage", pb.FansclubMessage(common=common(), type=2, user=USER), 52
        ),
    )
    [follow] = events
    assert isinstance(follow, FollowEvent)
    assert (follow.id, follow.ts, follow.user, follow.nickname) == ("dy:52", T, "5", "小红")


def test_ids_come_from_the_envelope_then_the_body_and_never_collide() -> None:
    in_body = pb.ChatMessage(common=pb.Common(msg_id=555, create_time=T_MS), content="一")
    no_id = pb.ChatMessage(common=pb.Common(create_time=T_MS), content="二")
    events = decode(
        message("WebcastChatMessage", in_body, 0),
        message("WebcastChatMessage", no_id, 0),
        message("WebcastChatMessage", no_id, 0),
    )
    ids = [e.id for e in events]  # type: ignore[attr-defined]
    assert ids[0] == "dy:555"  # a replay of it after a reconnect is dropped as a duplicate
    # Without any id each message gets its own, so dedup never drops one as a repeat.
    assert len(set(ids)) == 3 and not any(i in ("dy:0", "dy:1") for i in ids[1:])


def test_times_in_seconds_are_kept_and_a_message_without_one_is_now() -> None:
    in_seconds = pb.ChatMessage(common=pb.Common(create_time=1776121373), content="秒")
    untimed = pb.MemberMessage(user=USER)
    before = time.time()
    first, second = decode(
        message("WebcastChatMessage", in_seconds, 61),
        message("WebcastMemberMessage", untimed, 62),
    )
    assert first.ts == 1776121373.0  # type: ignore[attr-defined]
    assert before <= second.ts <= time.time()  # type: ignore[attr-defined]


def test_users_keep_their_full_string_id_and_anonymous_ones_stay_empty() -> None:
    # Douyin ids exceed 2**53: id_str carries them exactly.
    big = pb.ChatMessage(
        common=common(), user=pb.User(id=5, id_str="9007199254740993", nickname="大"), content="a"
    )
    anonymous = pb.ChatMessage(common=common(), content="b")
    first, second = decode(
        message("WebcastChatMessage", big, 71), message("WebcastChatMessage", anonymous, 72)
    )
    assert (first.user, first.nickname) == ("9007199254740993", "大")  # type: ignore[attr-defined]
    assert (second.user, second.nickname) == ("", "")  # type: ignore[attr-defined]


def test_a_response_that_inflates_past_the_limit_is_refused() -> None:
    d = DouyinPushDecoder(room="r1", source="dy", stats=new_stats("dy"))
    huge = pb.Response(
        messages=[chat("x" * (MAX_INFLATED + 1024), 81)], need_ack=True
    ).SerializeToString()
    frame = pb.PushFrame(payload_type="msg", log_id=9, payload=gzip.compress(huge, 1))
    frame.headers.add(key="compress_type", value="gzip")
    out = d.decode(frame.SerializeToString())
    assert out.events == [] and out.replies == []
    assert d.stats.errors["decompress"] == 1 and d.stats.errors["malformed"] == 0


def test_unknown_frames_and_methods_are_named_and_empty_responses_accounted() -> None:
    d = DouyinPushDecoder(room="r1", source="dy", stats=new_stats("dy"))
    assert d.decode(pb.PushFrame(payload_type="mystery").SerializeToString()).errors == 1
    assert d.decode(pb.PushFrame().SerializeToString()).errors == 1
    d.decode(push_frame([message("", pb.ChatMessage(), 91)], log_id=10))
    assert d.stats.unknown_methods == {"frame:mystery", "frame:<empty>", "<empty>"}
    # A response that only moves the cursor is understood, not lost.
    assert d.decode(push_frame([], log_id=11, need_ack=False)).accounted()


def test_a_fresh_collector_resumes_nothing_and_beats_as_configured() -> None:
    url = "wss://push.example/webcast/im/push/v2/"
    stats = new_stats("dy")
    col = DouyinCollector(
        room_id="7300000000000000001",
        push_url=url,
        signer=PresignedUrl(f"{url}?signature=anything"),
        name="dy",
        stats=stats,
        decoder=DouyinPushDecoder(room="r1", source="dy", stats=stats),
        timing=replace(FAST, heartbeat_interval=60.0),
    )
    params = col.push_params()
    assert (params["cursor"], params["internal_ext"]) == ("", "")
    assert col.heartbeat_interval() == 60.0
