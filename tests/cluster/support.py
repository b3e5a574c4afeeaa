"""Helpers for cluster tests: configs for N rooms on one Redis, and polling."""

from __future__ import annotations

from config.loader import load_config_text
from config.schema import Config

PLAN_CONFIG = """
detection:
  categories:
    - {id: contact, severity: warning, terms: [加我微信]}
    - {id: probe, severity: info, terms: [探针]}  # flagged (traceable) but counted by no plan
  sentiment: {enabled: false}  # one flag per event: the tests count them
plans:
  items:
    - id: burst
      name: 敏感评论集中出现
      count: {signal: sensitive, category: contact, min: 3, window: 600}
      ack_deadline: 600
      resolve_hold: 600
"""


def cluster_yaml(
    redis_url: str,
    *,
    rooms: int = 6,
    instance_id: str = "",
    lease_ttl: float = 1.0,
    prefix: str = "rw",
    cluster: bool = True,
    token: str = "ingest-token-123456",
    cluster_extra: str = "",
    extra_plans: str = "",
) -> str:
    """Return a config YAML for a cluster member on redis_url with rooms room-0..room-N-1."""
    room_list = ", ".join(f"{{id: room-{i}}}" for i in range(rooms))
    enabled = str(cluster).lower()
    return f"""
store: {{kind: redis, redis_url: "{redis_url}", key_prefix: {prefix}}}
cluster: {{enabled: {enabled}, instance_id: "{instance_id}", lease_ttl: {lease_ttl}{cluster_extra}}}
pipeline: {{tick_interval: 0.2, drain_timeout: 3}}
rooms: [{room_list}]
sources:
  - {{type: http_ingest, id: ingest, token: {token}, max_events: 5000}}
{PLAN_CONFIG}{extra_plans}
"""


def cluster_config(redis_url: str, **kwargs: object) -> Config:
    return load_config_text(cluster_yaml(redis_url, **kwargs))  # type: ignore[arg-type]
