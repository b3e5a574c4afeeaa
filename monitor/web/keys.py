"""Typed application keys shared by the web handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    pass

SERVICE = web.AppKey("service", "Service")
