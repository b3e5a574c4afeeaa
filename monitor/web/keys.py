"""Typed application keys shared by the web handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from monitor.app import Service
    from monitor.roomstats import RoomStats

SERVICE: web.AppKey[Service] = web.AppKey("service")
ROOM_STATS: web.AppKey[RoomStats] = web.AppKey("room_stats")
