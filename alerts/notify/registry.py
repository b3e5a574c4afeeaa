"""Build notifiers from their configuration (each integration keeps config and code together)."""

from __future__ import annotations

from collections.abc import Iterable

from alerts.notify.alertmanager import Alertmanager
from alerts.notify.base import Notifier
from alerts.notify.dingtalk import DingTalk
from alerts.notify.feishu import Feishu
from alerts.notify.webhook import Webhook
from alerts.notify.wecom import WeCom
from config.notify import (
    AlertmanagerNotifier,
    DingTalkNotifier,
    FeishuNotifier,
    NotifierConfig,
    WebhookNotifier,
    WeComNotifier,
)


def build_notifier(cfg: NotifierConfig) -> Notifier:
    """Return the notifier for one config entry."""
    if isinstance(cfg, WebhookNotifier):
        return Webhook(cfg)
    if isinstance(cfg, DingTalkNotifier):
        return DingTalk(cfg)
    if isinstance(cfg, FeishuNotifier):
        return Feishu(cfg)
    if isinstance(cfg, WeComNotifier):
        return WeCom(cfg)
    if isinstance(cfg, AlertmanagerNotifier):
        return Alertmanager(cfg)
    raise TypeError(f"unknown notifier config {type(cfg).__name__}")


def build_notifiers(
    configs: Iterable[NotifierConfig],
) -> dict[str, tuple[Notifier, NotifierConfig]]:
    return {c.id: (build_notifier(c), c) for c in configs}
