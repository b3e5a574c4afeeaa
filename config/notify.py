"""Notifier configuration (webhooks, chat robots, Alertmanager)."""

from __future__ import annotations

from pydantic import Field

from config.base import Section


class NotifierConfig(Section):
    id: str
    type: str = Field(pattern="^(webhook|dingtalk|feishu|wecom|alertmanager)$")
    url: str
    secret: str = ""
