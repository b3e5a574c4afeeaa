"""Alert stores: one protocol, an in-memory and a Redis implementation."""

from alerts.store.base import AlertStore, FeedItem, StoreConflict, StoreError

__all__ = ["AlertStore", "FeedItem", "StoreConflict", "StoreError"]
