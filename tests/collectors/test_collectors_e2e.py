"""Done-when: a room on each fake server flows into live alerts; a killed server reconnects."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import orjson

from config.loader import load_config_text
from monitor.app import build_service
from monitor.collectors.douyin_open import open_signature
from monitor.runner import serve
from tests.collectors.fake_base import wait_for
from tests.collectors.fake_bilibili import VER_BROTLI, FakeBilibili, batch, danmu
from tests.collectors.fake_douyin import PATH, FakeDouyin, chat
from tests.collectors.fake_generic import FakeJsonStream
from tests.support import grant_admin


def config_text(dy: FakeDouyin, bl: FakeBilibili, gen: FakeJsonStream, record: Path) -> str:
    push = f"{dy.ws_base}{PATH}"
    return f"""
rooms:
  - {{ id: dy-room, platform: douyin }}
  - {{ id: dyo-room, platform: douyin }}
  - {{ id: bl-room, platform: bilibili }}
  - {{ id: blo-room, platform: bilibili }}
  - {{ id: in-room, platform: inhouse }}
sources:
  - {{ type: douyin, id: douyin, room: dy-room, room_id: "7300000000000000001",
      push_url: "{push}", signer: {{ kind: presigned, url: "{push}?signature=x" }},
      record_path: "{record}", read_timeout: 3, heartbeat_interval: 0.2,
      backoff_base: 0.05, backoff_cap: 0.3 }}
  - {{ type: douyin_open, id: douyin-open, secret: cb-secret, room_map: {{ "268": dyo-room }} }}
  - {{ type: bilibili, id: bilibili, room: bl-room, room_id: 42, live_api: "{bl.base}",
      api: "{bl.base}", ws_scheme: ws, heartbeat_interval: 0.2, read_timeout: 3,
      backoff_base: 0.05, backoff_cap: 0.3 }}
  - {{ type: bilibili_open, id: bilibili-open, room: blo-room, api_base: "{bl.base}",
      app_id: 1, access_key_id: open-key, access_key_secret: open-secret, auth_code: CODE,
      heartbeat_interval: 0.2, backoff_base: 0.05, backoff_cap: 0.3 }}
  - type: generic_ws
    id: inhouse
    url: "{gen.ws_base}/stream"
    mapping: {{ kind_field: type, kinds: {{ chat: comment }}, room_field: channel,
               items_field: batch, fields: {{ text: body, id: mid }} }}
    heartbeat_interval: 0.2
    backoff_base: 0.05
    backoff_cap: 0.3
detection:
  categories:
    - {{ id: contact_diversion, severity: warning, terms: [加我微信, 加V] }}
plans:
  items:
    - id: sensitive_burst
      name: 敏感评论集中出现
      when: {{ type: count, signal: sensitive, min: 2, window: 60 }}
"""


async def test_every_fake_room_becomes_a_live_alert_and_survives_a_server_restart(
    tmp_path: Path,
) -> None:
    dy, bl, gen = FakeDouyin(), FakeBilibili(), FakeJsonStream()
    for fake in (dy, bl, gen):
        await fake.start()
    record = tmp_path / "douyin.jsonl"
    config = load_config_text(config_text(dy, bl, gen, record), base_dir=tmp_path)
    service = build_service(config)
    admin = await grant_admin(service)
    stop = asyncio.Event()
    ports: list[int] = []
    task = asyncio.create_task(serve(service, "127.0.0.1", 0, on_ready=ports.append, stop=stop))
    try:
        await wait_for(lambda: bool(ports))
        base = f"http://127.0.0.1:{ports[0]}"
        await wait_for(lambda: dy.sockets and bl.authed == 2 and gen.sockets)
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(f"{base}/api/v1/feed", headers=admin) as feed,
        ):
            await dy.push([chat("加我微信a", 1), chat("加我微信b", 2)])
            web = [danmu("加V私聊", 1, id_str="w1"), danmu("加V详谈", 2, id_str="w2")]
            opened = [
                {"cmd": "LIVE_OPEN_PLATFORM_DM", "data": {"msg": f"加我微信{i}", "msg_id": f"o{i}"}}
                for i in range(2)
            ]
            # Both sessions (web and open platform) get the batch; each keeps its room's own.
            await bl.broadcast(batch(web + opened, VER_BROTLI))
            items = [
                {"type": "chat", "channel": "in-room", "mid": f"g{i}", "body": f"加V{i}"}
                for i in range(2)
            ]
            await gen.broadcast(orjson.dumps({"batch": items}).decode())
            body = orjson.dumps([{"msg_id": f"c{i}", "content": f"加我微信{i}"} for i in range(2)])
            headers = {
                "x-nonce-str": "1",
                "x-timestamp": str(int(time.time() * 1000)),
                "x-roomid": "268",
                "x-msg-type": "live_comment",
            }
            headers["x-signature"] = open_signature(headers, body, "cb-secret")
            async with http.post(
                f"{base}/api/v1/callbacks/douyin/douyin-open", data=body, headers=headers
            ) as r:
                assert r.status == 200

            rooms = {"dy-room", "dyo-room", "bl-room", "blo-room", "in-room"}
            alerted: set[str] = set()
            while alerted != rooms:
                msg = await asyncio.wait_for(feed.receive(), 10)
                item = orjson.loads(msg.data)
                if item.get("type") == "alert":
                    alerted.add(item["room"] if "room" in item else item["data"]["room"])
            stored = await service.store.list_alerts()
            assert {a.room for a in stored} == rooms

        # Kill the Douyin server mid-stream and bring it back: the room keeps flowing.
        comments = service.metrics.comments.labels("dy-room")
        before = comments._value.get()
        await dy.kill()
        await dy.restart()
        await wait_for(lambda: dy.connections >= 2 and dy.sockets)
        await dy.push([chat("回来了", 3), chat("加我微信b", 2)])
        await wait_for(lambda: comments._value.get() == before + 1)
        assert service.metrics.source_restarts.labels("douyin")._value.get() >= 1
    finally:
        stop.set()
        await task
        for fake in (dy, bl, gen):
            await fake.kill()
    assert record.exists() and record.stat().st_size > 0
