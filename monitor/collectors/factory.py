"""Build the platform collectors and callback endpoints from the source configuration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from config.collectors import (
    BilibiliOpenSource,
    BilibiliSource,
    DouyinOpenSource,
    DouyinSource,
    GenericWsSource,
    KuaishouSource,
    MappingConfig,
    PresignedSigner,
    ReplaySource,
    StaticTicket,
    TikTokSource,
    WsSourceBase,
)
from config.collectors import CommandSigner as CommandSignerConfig
from config.schema import Config
from monitor.collectors.base import Collector
from monitor.collectors.bilibili import BilibiliCollector, BilibiliOpenCollector
from monitor.collectors.bilibili_codec import BilibiliDecoder
from monitor.collectors.bilibili_commands import CommandMapper
from monitor.collectors.common import SourceStats
from monitor.collectors.douyin import (
    CommandSigner,
    DouyinCollector,
    HttpSigner,
    PresignedUrl,
    UrlSigner,
)
from monitor.collectors.douyin_codec import DouyinPushDecoder
from monitor.collectors.douyin_open import Claims, Commit, DouyinOpenEndpoint
from monitor.collectors.generic_ws import FieldMapping, GenericJsonDecoder, GenericWsCollector
from monitor.collectors.kuaishou import (
    CommandTokenHook,
    HttpTokenHook,
    KuaishouCollector,
    Ticket,
    TokenHook,
)
from monitor.collectors.kuaishou import StaticTicket as StaticTicketHook
from monitor.collectors.kuaishou_codec import KuaishouDecoder
from monitor.collectors.presets import BarrageGrabDecoder
from monitor.collectors.record import FrameRecorder
from monitor.collectors.replay import ReplayCollector
from monitor.collectors.tiktok import TikTokCollector
from monitor.collectors.tiktok_codec import TikTokPushDecoder
from monitor.collectors.wsbase import FrameDecoder, Timing
from monitor.metrics import ServiceMetrics


@dataclass
class Built:
    """What the platform sources of a config add to a service."""

    collectors: list[Collector] = field(default_factory=list)
    endpoints: list[DouyinOpenEndpoint] = field(default_factory=list)
    route_plugins: list[Callable[[web.Application], None]] = field(default_factory=list)
    teardown: list[tuple[str, Callable[[], Awaitable[None]]]] = field(default_factory=list)


def _path(base: Path, raw: str) -> Path:
    p = Path(raw)
    return p if p.is_absolute() else base / p


def _common(
    src: WsSourceBase, stats: SourceStats, decoder: FrameDecoder, base: Path
) -> dict[str, Any]:
    return {
        "name": src.id,
        "stats": stats,
        "decoder": decoder,
        "timing": Timing(
            connect_timeout=src.connect_timeout,
            read_timeout=src.read_timeout,
            heartbeat_interval=src.heartbeat_interval,
            heartbeat_timeout=src.heartbeat_timeout,
            backoff_base=src.backoff_base,
            backoff_cap=src.backoff_cap,
            healthy_after=src.healthy_after,
        ),
        "recorder": FrameRecorder(_path(base, src.record_path)) if src.record_path else None,
        "dedup_size": src.dedup_size,
    }


def field_mapping(m: MappingConfig, room: str) -> FieldMapping:
    return FieldMapping(
        kind_field=m.kind_field,
        kinds=dict(m.kinds),
        ignore=frozenset(m.ignore),
        room_field=m.room_field,
        room=room,
        room_map=dict(m.room_map),
        items_field=m.items_field,
        fields=dict(m.fields),
        defaults={k: dict(v) for k, v in m.defaults.items()},
    )


def signer_for(src: DouyinSource | TikTokSource) -> UrlSigner:
    cfg = src.signer
    if isinstance(cfg, PresignedSigner):
        return PresignedUrl(cfg.url, dict(cfg.headers))
    if isinstance(cfg, CommandSignerConfig):
        return CommandSigner(list(cfg.argv), cfg.timeout)
    return HttpSigner(cfg.endpoint, cfg.token, cfg.timeout)


def token_hook_for(src: KuaishouSource) -> TokenHook:
    cfg = src.token_hook
    if isinstance(cfg, StaticTicket):
        ticket = Ticket(cfg.url, cfg.token, cfg.live_stream_id, dict(cfg.headers))
        return StaticTicketHook(ticket)
    if isinstance(cfg, CommandSignerConfig):
        return CommandTokenHook(list(cfg.argv), cfg.timeout)
    return HttpTokenHook(cfg.endpoint, cfg.token, cfg.timeout)


def decoder_for(
    platform: str,
    *,
    room: str,
    source: str,
    stats: SourceStats,
    mapping: MappingConfig,
    rooms: frozenset[str],
) -> FrameDecoder:
    """Return the decoder of a platform's raw frames (used live and by replay)."""
    if platform == "douyin":
        return DouyinPushDecoder(room=room, source=source, stats=stats)
    if platform in ("bilibili", "bilibili_open"):
        return BilibiliDecoder(CommandMapper(room=room, source=source, stats=stats), stats)
    if platform == "tiktok":
        return TikTokPushDecoder(room=room, source=source, stats=stats)
    if platform == "kuaishou":
        return KuaishouDecoder(room=room, source=source, stats=stats)
    return GenericJsonDecoder(field_mapping(mapping, room), source=source, stats=stats, rooms=rooms)


def build_platform_sources(
    config: Config,
    metrics: ServiceMetrics,
    commit: Commit,
    claims: Claims | None = None,
) -> Built:
    """Create a collector (or callback endpoint) for every platform source in the config.

    Callback endpoints hand their events to `commit` (taken means durable on the Redis
    store) and claim msg_ids in `claims` (the store) so redeliveries are dropped.
    """
    out = Built()
    rooms = frozenset(r.id for r in config.rooms)
    base = config.base_dir
    for src in config.sources:
        if isinstance(src, DouyinSource):
            stats = SourceStats(src.id, metrics)
            dec = DouyinPushDecoder(room=src.room, source=src.id, stats=stats)
            out.collectors.append(
                DouyinCollector(
                    room_id=src.room_id,
                    push_url=src.push_url,
                    signer=signer_for(src),
                    user_unique_id=src.user_unique_id,
                    **_common(src, stats, dec, base),
                )
            )
        elif isinstance(src, TikTokSource):
            stats = SourceStats(src.id, metrics)
            tdec = TikTokPushDecoder(room=src.room, source=src.id, stats=stats)
            tdec.diamond_value = src.diamond_value
            out.collectors.append(
                TikTokCollector(
                    room_id=src.room_id,
                    push_url=src.push_url,
                    signer=signer_for(src),
                    **_common(src, stats, tdec, base),
                )
            )
        elif isinstance(src, KuaishouSource):
            stats = SourceStats(src.id, metrics)
            kdec = KuaishouDecoder(
                room=src.room, source=src.id, stats=stats, gift_values=dict(src.gift_values)
            )
            out.collectors.append(
                KuaishouCollector(
                    principal_id=src.principal_id,
                    live_stream_id=src.live_stream_id,
                    hook=token_hook_for(src),
                    **_common(src, stats, kdec, base),
                )
            )
        elif isinstance(src, BilibiliSource):
            stats = SourceStats(src.id, metrics)
            bdec = BilibiliDecoder(CommandMapper(room=src.room, source=src.id, stats=stats), stats)
            out.collectors.append(
                BilibiliCollector(
                    room_id=src.room_id,
                    live_api=src.live_api,
                    api=src.api,
                    ws_url=src.ws_url,
                    token=src.token,
                    uid=src.uid,
                    buvid=src.buvid,
                    sessdata=src.sessdata,
                    ws_scheme=src.ws_scheme,
                    **_common(src, stats, bdec, base),
                )
            )
        elif isinstance(src, BilibiliOpenSource):
            stats = SourceStats(src.id, metrics)
            bdec = BilibiliDecoder(CommandMapper(room=src.room, source=src.id, stats=stats), stats)
            out.collectors.append(
                BilibiliOpenCollector(
                    api_base=src.api_base,
                    app_id=src.app_id,
                    access_key_id=src.access_key_id,
                    access_key_secret=src.access_key_secret,
                    auth_code=src.auth_code,
                    project_heartbeat=src.project_heartbeat,
                    **_common(src, stats, bdec, base),
                )
            )
        elif isinstance(src, GenericWsSource):
            stats = SourceStats(src.id, metrics)
            allowed = frozenset(src.allowed_rooms) or rooms
            gdec: FrameDecoder = GenericJsonDecoder(
                field_mapping(src.mapping, src.room), source=src.id, stats=stats, rooms=allowed
            )
            if src.preset == "douyin_barrage_grab":
                gdec = BarrageGrabDecoder(
                    room=src.room, room_map=dict(src.mapping.room_map), source=src.id, stats=stats
                )
            out.collectors.append(
                GenericWsCollector(
                    url=src.url,
                    headers=dict(src.headers),
                    subscribe=src.subscribe,
                    heartbeat=src.heartbeat,
                    **_common(src, stats, gdec, base),
                )
            )
        elif isinstance(src, ReplaySource):
            stats = SourceStats(src.id, metrics)
            out.collectors.append(
                ReplayCollector(
                    name=src.id,
                    path=_path(base, src.path),
                    decoder=decoder_for(
                        src.platform,
                        room=src.room,
                        source=src.id,
                        stats=stats,
                        mapping=src.mapping,
                        rooms=rooms,
                    ),
                    stats=stats,
                    speed=src.speed,
                    loop=src.loop,
                )
            )
        elif isinstance(src, DouyinOpenSource):
            endpoint = DouyinOpenEndpoint(
                name=src.id,
                path=src.callback_path,
                secret=src.secret,
                room_map=dict(src.room_map),
                default_room=src.room,
                commit=commit,
                stats=SourceStats(src.id, metrics),
                recorder=FrameRecorder(_path(base, src.record_path)) if src.record_path else None,
                dedup_size=src.dedup_size,
                claims=claims,
                dedup_ttl=src.dedup_ttl,
                max_body_bytes=src.max_body_bytes,
                timestamp_window=src.timestamp_window,
                body_timeout=config.server.body_timeout,
            )
            out.endpoints.append(endpoint)
            out.route_plugins.append(endpoint.register)
            if endpoint.recorder is not None:
                out.teardown.append((f"source:{src.id}:recorder", endpoint.recorder.flush))
    return out
