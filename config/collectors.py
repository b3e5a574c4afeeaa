"""Configuration of the platform collectors (Douyin, Bilibili, generic JSON WebSocket, replay)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from config.base import Section

EventKindName = Literal["comment", "metric", "gift", "like", "follow", "member", "stream", "speech"]
ROOM_ID = r"^[A-Za-z0-9_.:\-]{1,64}$"


class WsSourceBase(Section):
    """Connection settings every WebSocket source shares (seconds)."""

    id: str
    room: str = Field(pattern=ROOM_ID, description="our room id the events belong to")
    record_path: str = Field("", description="append raw frames to this JSONL file")
    dedup_size: int = Field(50_000, ge=100, le=10_000_000)
    connect_timeout: float = Field(10.0, gt=0, le=120)
    read_timeout: float = Field(70.0, gt=0, le=3600)
    heartbeat_interval: float = Field(10.0, gt=0, le=600)
    heartbeat_timeout: float | None = Field(None, gt=0, le=3600)
    backoff_base: float = Field(1.0, gt=0, le=60)
    backoff_cap: float = Field(60.0, gt=0, le=3600)
    healthy_after: float = Field(30.0, ge=0, le=3600)

    @property
    def rooms(self) -> list[str]:
        return [self.room]

    def room_refs(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Each room this source names, with the key path that names it (for errors)."""
        return [(("room",), self.room)] if self.room else []


class PresignedSigner(Section):
    """A push URL signed elsewhere."""

    kind: Literal["presigned"]
    url: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)


class CommandSigner(Section):
    """An operator's command: JSON {url, params} on stdin, JSON {url, headers} on stdout."""

    kind: Literal["command"]
    argv: list[str] = Field(min_length=1)
    timeout: float = Field(10.0, gt=0, le=120)


class HttpSigner(Section):
    """An operator's sign service: POST {url, params}, answer {url, headers}."""

    kind: Literal["http"]
    endpoint: str = Field(min_length=1)
    token: str = ""
    timeout: float = Field(10.0, gt=0, le=120)


SignerConfig = Annotated[PresignedSigner | CommandSigner | HttpSigner, Field(discriminator="kind")]


class DouyinSource(WsSourceBase):
    """Douyin webcast push WebSocket for one room."""

    type: Literal["douyin"]
    room_id: str = Field(pattern=r"^[0-9]{1,32}$", description="Douyin's numeric room id")
    push_url: str = "wss://webcast100-ws-web-lq.douyin.com/webcast/im/push/v2/"
    user_unique_id: str = ""
    signer: SignerConfig


class TikTokSource(WsSourceBase):
    """TikTok LIVE webcast push WebSocket for one room (same signer contract as Douyin)."""

    type: Literal["tiktok"]
    room_id: str = Field(pattern=r"^[0-9]{1,32}$", description="TikTok's numeric room id")
    push_url: str = "wss://webcast16-ws-useast1a.tiktok.com/webcast/im/push/v2/"
    signer: SignerConfig
    diamond_value: float = Field(0.09, ge=0, le=100, description="yuan per gift diamond")


class StaticTicket(Section):
    """A Kuaishou ticket obtained elsewhere (tokens expire; refresh it)."""

    kind: Literal["static"]
    url: str = Field(min_length=1)
    token: str = Field(min_length=1)
    live_stream_id: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)


TokenHookConfig = Annotated[StaticTicket | CommandSigner | HttpSigner, Field(discriminator="kind")]


class KuaishouSource(WsSourceBase):
    """Kuaishou web live WebSocket for one room; the token comes from a hook."""

    type: Literal["kuaishou"]
    principal_id: str = Field(
        pattern=r"^[A-Za-z0-9_\-]{1,64}$", description="the anchor's id (live.kuaishou.com/u/<id>)"
    )
    live_stream_id: str = Field("", description="passed to the hook; the hook's answer wins")
    token_hook: TokenHookConfig
    gift_values: dict[int, float] = Field(
        default_factory=dict, description="gift id -> yuan (feeds carry ids, not prices)"
    )
    heartbeat_interval: float = Field(20.0, gt=0, le=600)


class DouyinOpenSource(Section):
    """Douyin Open Platform live-data push callbacks (POST endpoint on our server)."""

    type: Literal["douyin_open"]
    id: str
    path: str = Field("", description="callback path; default /api/v1/callbacks/douyin/<id>")
    secret: str = Field(min_length=1)
    room: str = Field("", description="room for pushes whose x-roomid is not in room_map")
    room_map: dict[str, str] = Field(default_factory=dict, description="x-roomid -> our room")
    record_path: str = ""
    dedup_size: int = Field(100_000, ge=100, le=10_000_000)
    # msg_ids are also claimed in the store (Redis: shared by instances and restarts) for
    # this long; a redelivery after that is processed again.
    dedup_ttl: float = Field(86_400.0, ge=60, le=30 * 86_400)
    # The body limit holds for the bytes on the wire and for a gzip body once inflated.
    max_body_bytes: int = Field(1_048_576, ge=1024, le=64 * 1_048_576)
    # A callback whose x-timestamp is further than this from our clock is refused (replay).
    timestamp_window: float = Field(300.0, ge=5, le=86_400)

    @model_validator(mode="after")
    def _has_room(self) -> DouyinOpenSource:
        if not self.room and not self.room_map:
            raise ValueError("needs room or room_map")
        if self.path and not self.path.startswith("/"):
            raise ValueError("path must start with /")
        return self

    @property
    def rooms(self) -> list[str]:
        return sorted({*self.room_map.values(), *([self.room] if self.room else [])})

    def room_refs(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Each room this source names, with the key path that names it (for errors)."""
        refs: list[tuple[tuple[str | int, ...], str]] = [
            (("room_map", key), room) for key, room in self.room_map.items()
        ]
        return refs + ([(("room",), self.room)] if self.room else [])

    @property
    def callback_path(self) -> str:
        return self.path or f"/api/v1/callbacks/douyin/{self.id}"


class BilibiliSource(WsSourceBase):
    """Bilibili web danmaku WebSocket for one room (bootstrap via the web API, or a fixed URL)."""

    type: Literal["bilibili"]
    room_id: int = Field(ge=1)
    live_api: str = "https://api.live.bilibili.com"
    api: str = "https://api.bilibili.com"
    ws_url: str = Field("", description="skip the bootstrap: connect here with `token`")
    token: str = ""
    uid: int = Field(0, ge=0)
    buvid: str = ""
    sessdata: str = ""
    ws_scheme: Literal["wss", "ws"] = "wss"
    heartbeat_interval: float = Field(30.0, gt=0, le=600)
    heartbeat_timeout: float | None = Field(70.0, gt=0, le=3600)


class BilibiliOpenSource(WsSourceBase):
    """Bilibili open platform (互动玩法): signed start/heartbeat/end and its WebSocket."""

    type: Literal["bilibili_open"]
    api_base: str = "https://live-open.biliapi.com"
    app_id: int = Field(ge=1)
    access_key_id: str = Field(min_length=1)
    access_key_secret: str = Field(min_length=1)
    auth_code: str = Field(min_length=1, description="the anchor's identity code")
    project_heartbeat: float = Field(20.0, gt=0, le=300)
    heartbeat_interval: float = Field(30.0, gt=0, le=600)
    heartbeat_timeout: float | None = Field(70.0, gt=0, le=3600)


class MappingConfig(Section):
    """Where each event field sits in a platform's JSON message (dotted paths)."""

    kind_field: str = "kind"
    kinds: dict[str, EventKindName] = Field(default_factory=dict)
    ignore: list[str] = Field(default_factory=list)
    room_field: str = "room"
    room_map: dict[str, str] = Field(default_factory=dict)
    items_field: str = ""
    fields: dict[str, str] = Field(default_factory=dict)
    defaults: dict[str, dict[str, Any]] = Field(default_factory=dict)


class GenericWsSource(WsSourceBase):
    """A JSON WebSocket stream mapped to events."""

    type: Literal["generic_ws"]
    room: str = Field("", description="fixed room; empty = read room_field per message")
    url: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)
    subscribe: str = ""
    heartbeat: str = ""
    heartbeat_interval: float = Field(30.0, gt=0, le=600)
    allowed_rooms: list[str] = Field(default_factory=list, description="empty = every room")
    mapping: MappingConfig = MappingConfig()
    preset: Literal["", "douyin_barrage_grab"] = Field(
        "", description="a capture tool's JSON, decoded without a mapping (mapping.room_map used)"
    )

    @model_validator(mode="after")
    def _preset_or_mapping(self) -> GenericWsSource:
        if self.preset and (self.mapping.kinds or self.mapping.fields):
            raise ValueError("preset and mapping.kinds/fields exclude each other")
        if self.preset and not self.room and not self.mapping.room_map:
            raise ValueError("a preset needs room or mapping.room_map")
        return self

    @property
    def rooms(self) -> list[str]:
        mapped = [r for r in self.mapping.room_map.values() if r not in self.allowed_rooms]
        return [self.room] if self.room else [*self.allowed_rooms, *mapped]

    def room_refs(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Each room this source names, with the key path that names it (for errors)."""
        refs: list[tuple[tuple[str | int, ...], str]] = (
            [(("room",), self.room)] if self.room else []
        )
        refs += [(("allowed_rooms", j), room) for j, room in enumerate(self.allowed_rooms)]
        refs += [(("mapping", "room_map", k), room) for k, room in self.mapping.room_map.items()]
        return refs


class ReplaySource(Section):
    """Replay a raw-frame recording through a platform decoder (drills, regressions)."""

    type: Literal["replay"]
    id: str
    platform: Literal["douyin", "bilibili", "bilibili_open", "tiktok", "kuaishou", "generic"]
    path: str = Field(min_length=1)
    room: str = Field(pattern=ROOM_ID)
    speed: float = Field(1.0, ge=0, le=1000)
    loop: bool = False
    mapping: MappingConfig = MappingConfig()

    @property
    def rooms(self) -> list[str]:
        return [self.room]

    def room_refs(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Each room this source names, with the key path that names it (for errors)."""
        return [(("room",), self.room)]
