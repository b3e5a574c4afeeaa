"""How Douyin and Bilibili speak today: combos without repeat_end, fan club and stats,
ignored methods, server close, signer params, the open-platform signature behind a proxy,
Bilibili's protobuf commands, guard purchases, r_price, guests and the heartbeat order."""

from __future__ import annotations

import base64

import orjson

from monitor.collectors.bilibili_codec import OP_MESSAGE, VER_JSON, BilibiliDecoder, pack
from monitor.collectors.bilibili_commands import CommandMapper
from monitor.collectors.douyin import PUSH_PARAMS
from monitor.collectors.douyin_codec import DouyinPushDecoder
from monitor.collectors.douyin_open import open_signature
from monitor.collectors.proto import bilibili_pb2 as bpb
from monitor.collectors.proto import webcast_pb2 as pb
from monitor.events import FollowEvent, GiftEvent, MetricEvent
from tests.collectors.fake_base import wait_for
from tests.collectors.fake_bilibili import FakeBilibili, danmu
from tests.collectors.fake_douyin import FakeDouyin, message, push_frame
from tests.collectors.helpers import Sink, new_stats, running
from tests.collectors.test_bilibili_live import web_collector
from tests.collectors.test_douyin import collector as douyin_collector


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def gift(group_id: int, combo: int, end: int = 0, uid: int = 5) -> pb.Message:
    body = pb.GiftMessage(
        common=pb.Common(create_time=1776121373297 + combo),
        gift_id=463,
        user=pb.User(id=uid, nickname="小红"),
        group_id=group_id,
        combo_count=combo,
        repeat_count=combo,
        group_count=1,
        repeat_end=end,
        gift=pb.GiftStruct(id=463, name="小心心", diamond_count=1),
    )
    return message("WebcastGiftMessage", body, 9000 + combo + 100 * uid)


def test_combo_without_repeat_end_is_one_gift_with_its_final_count() -> None:
    clock = Clock()
    d = DouyinPushDecoder(room="r1", source="dy", stats=new_stats("dy"), now=clock)
    assert d.decode(push_frame([gift(77, 1), gift(77, 2)], log_id=1)).events == []
    clock.t += 1.0
    # An older update arriving late never lowers the count; a second sender is apart.
    assert (
        d.decode(push_frame([gift(77, 5), gift(77, 3), gift(88, 1, uid=6)], log_id=2)).events == []
    )
    assert d.flush_due() == []
    clock.t += 4.5  # no update for longer than the combo idle time: the streak is over
    events = d.flush_due()
    assert [(e.user, e.count, e.value) for e in events if isinstance(e, GiftEvent)] == [
        ("5", 5, 0.5),
        ("6", 1, 0.1),
    ]
    assert events[0].id == "dy:combo:5:463:77"
    # Older traffic's explicit end closes a streak at once.
    out = d.decode(push_frame([gift(99, 2), gift(99, 10, end=1)], log_id=3))
    assert [(e.count, e.id) for e in out.events] == [(10, "dy:combo:5:463:99")]
    assert len(d.combos) == 0


def test_fansclub_join_stats_and_ignored_methods() -> None:
    stats = new_stats("dy")
    d = DouyinPushDecoder(room="r1", source="dy", stats=stats)
    user = pb.User(id=5, nickname="小红")
    msgs = [
        message("WebcastFansclubMessage", pb.FansclubMessage(type=2, user=user, content="加入"), 1),
        message("WebcastFansclubMessage", pb.FansclubMessage(type=1, user=user), 2),
        message(
            "WebcastRoomStatsMessage", pb.RoomStatsMessage(display_long="1.2万", total=12000), 3
        ),
        message("WebcastRoomRankMessage", pb.ChatMessage(), 4),
        message("WebcastInRoomBannerMessage", pb.ChatMessage(), 5),
        message("WebcastTotallyNewMessage", pb.ChatMessage(), 6),
    ]
    out = d.decode(push_frame(msgs, log_id=9))
    follow, watched = out.events
    assert isinstance(follow, FollowEvent) and follow.user == "5"
    assert isinstance(watched, MetricEvent) and (watched.name, watched.value) == (
        "watched_total",
        12000,
    )
    assert stats.ignored == {"WebcastRoomRankMessage": 1, "WebcastInRoomBannerMessage": 1}
    assert stats.errors["unknown_type"] == 1 and out.errors == 1


def test_server_close_frame_ends_the_session() -> None:
    d = DouyinPushDecoder(room="r1", source="dy", stats=new_stats("dy"))
    out = d.decode(pb.PushFrame(payload_type="close").SerializeToString())
    assert out.close is not None and out.close.reason == "server sent close" and out.errors == 0


def test_signer_params_carry_what_peers_send() -> None:
    for key in ("sub_room_id", "sub_channel_id", "device_type", "ac", "did_rule", "identity"):
        assert key in PUSH_PARAMS


def test_open_signature_ignores_headers_a_proxy_adds() -> None:
    signed = {"x-nonce-str": "123456", "x-timestamp": "456789", "x-roomid": "268"}
    signed["x-msg-type"] = "live_gift"
    proxied = signed | {"X-Forwarded-For": "10.0.0.1", "X-Real-IP": "10.0.0.1"}
    proxied |= {"X-Request-Id": "abc", "Content-Type": "application/json"}
    body = "abc123你好".encode()
    assert open_signature(proxied, body, "123abc") == "PDcKhdlsrKEJif6uMKD2dw=="
    assert open_signature(signed | {"x-roomid": "269"}, body, "123abc") != (
        "PDcKhdlsrKEJif6uMKD2dw=="
    )


def bili(commands: list[dict[str, object]]) -> tuple[list[object], BilibiliDecoder]:
    stats = new_stats("bl")
    d = BilibiliDecoder(CommandMapper(room="r1", source="bl", stats=stats), stats)
    data = b"".join(pack(OP_MESSAGE, orjson.dumps(c), ver=VER_JSON) for c in commands)
    return list(d.decode(data).events), d


def test_send_gift_v2_guests_r_price_and_open_guard() -> None:
    v2 = bpb.SendGiftV2(uid=42, uname="阿B")
    v2.gift_list.add(gift_id=1, gift_name="辣条", num=3, total_coin=300, coin_type="gold", tid="t1")
    guest = danmu("来了", id_str="g1")
    guest["info"][2][0] = 0  # type: ignore[index]
    guest["info"][0][7] = "3b9d5bd0"  # type: ignore[index]
    events, d = bili(
        [
            {
                "cmd": "SEND_GIFT_V2",
                "data": {"pb": base64.b64encode(v2.SerializeToString()).decode()},
            },
            {"cmd": "SEND_GIFT", "data": {"giftName": "辣条", "num": 3, "tid": "t1"}},  # same gift
            guest,
            {
                "cmd": "LIVE_OPEN_PLATFORM_SEND_GIFT",
                "data": {
                    "gift_name": "盲盒",
                    "gift_num": 2,
                    "price": 5000,
                    "r_price": 1000,
                    "paid": True,
                    "msg_id": "m1",
                    "open_id": "o1",
                },
            },
            {
                "cmd": "LIVE_OPEN_PLATFORM_GUARD",
                "data": {
                    "user_info": {"open_id": "o2", "uname": "船长"},
                    "guard_level": 3,
                    "guard_num": 1,
                    "price": 198000,
                    "msg_id": "m2",
                    "timestamp": 1700000000,
                },
            },
            {"cmd": "INTERACT_WORD_V2", "data": {"pb": "!!not base64"}},
        ]
    )
    v2gift, v1gift, comment, open_gift, guard = events
    assert isinstance(v2gift, GiftEvent) and (v2gift.gift, v2gift.count, v2gift.value) == (
        "辣条",
        3,
        0.3,
    )
    assert v2gift.id == v1gift.id == "bl:gift:t1"  # the collector delivers it once
    assert comment.user == "anon:3b9d5bd0"  # type: ignore[attr-defined]
    assert isinstance(open_gift, GiftEvent) and open_gift.value == 2.0  # r_price × 2, not price
    assert isinstance(guard, GiftEvent) and (guard.gift, guard.value, guard.user) == (
        "舰长",
        198.0,
        "o2",
    )
    assert d.stats.errors["bad_event"] == 1  # the damaged pb: counted, nothing raised


async def test_heartbeat_is_json_and_waits_for_the_auth_reply() -> None:
    fake = FakeBilibili()
    fake.auth_reply_delay = 0.3
    await fake.start()
    col, sink = web_collector(fake, heartbeat_interval=0.05), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.heartbeats >= 3)
            assert fake.early_heartbeats == 0 and fake.heartbeat_bodies == {b"{}"}
            assert fake.authed == 1 and col.stats.restarts == 0
    finally:
        await fake.kill()


async def test_a_live_collector_delivers_a_quiet_streak_on_its_own() -> None:
    fake = FakeDouyin()
    await fake.start()
    col, sink = douyin_collector(fake), Sink()
    col.decoder.combos.idle = 0.3
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.sockets)
            await fake.push([gift(55, 1), gift(55, 3)])  # no repeat_end, and no frame after it
            await wait_for(lambda: len(sink.events) == 1, within=5.0)
            (streak,) = sink.events
            assert isinstance(streak, GiftEvent) and streak.count == 3
    finally:
        await fake.kill()
