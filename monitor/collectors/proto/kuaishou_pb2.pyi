from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SocketMessage(_message.Message):
    __slots__ = ("payload_type", "compression_type", "payload")
    PAYLOAD_TYPE_FIELD_NUMBER: _ClassVar[int]
    COMPRESSION_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    payload_type: int
    compression_type: int
    payload: bytes
    def __init__(self, payload_type: _Optional[int] = ..., compression_type: _Optional[int] = ..., payload: _Optional[bytes] = ...) -> None: ...

class EnterRoom(_message.Message):
    __slots__ = ("token", "live_stream_id", "reconnect_count", "last_error_code", "exp_tag", "attach", "page_id")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    LIVE_STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    RECONNECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    EXP_TAG_FIELD_NUMBER: _ClassVar[int]
    ATTACH_FIELD_NUMBER: _ClassVar[int]
    PAGE_ID_FIELD_NUMBER: _ClassVar[int]
    token: str
    live_stream_id: str
    reconnect_count: int
    last_error_code: int
    exp_tag: str
    attach: str
    page_id: str
    def __init__(self, token: _Optional[str] = ..., live_stream_id: _Optional[str] = ..., reconnect_count: _Optional[int] = ..., last_error_code: _Optional[int] = ..., exp_tag: _Optional[str] = ..., attach: _Optional[str] = ..., page_id: _Optional[str] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ("timestamp",)
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    timestamp: int
    def __init__(self, timestamp: _Optional[int] = ...) -> None: ...

class EnterRoomAck(_message.Message):
    __slots__ = ("min_reconnect_ms", "max_reconnect_ms", "heartbeat_interval_ms")
    MIN_RECONNECT_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_RECONNECT_MS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    min_reconnect_ms: int
    max_reconnect_ms: int
    heartbeat_interval_ms: int
    def __init__(self, min_reconnect_ms: _Optional[int] = ..., max_reconnect_ms: _Optional[int] = ..., heartbeat_interval_ms: _Optional[int] = ...) -> None: ...

class HeartbeatAck(_message.Message):
    __slots__ = ("timestamp", "client_timestamp")
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    CLIENT_TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    timestamp: int
    client_timestamp: int
    def __init__(self, timestamp: _Optional[int] = ..., client_timestamp: _Optional[int] = ...) -> None: ...

class SimpleUserInfo(_message.Message):
    __slots__ = ("principal_id", "user_name", "head_url")
    PRINCIPAL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    HEAD_URL_FIELD_NUMBER: _ClassVar[int]
    principal_id: str
    user_name: str
    head_url: str
    def __init__(self, principal_id: _Optional[str] = ..., user_name: _Optional[str] = ..., head_url: _Optional[str] = ...) -> None: ...

class CommentFeed(_message.Message):
    __slots__ = ("id", "user", "content", "device_hash", "sort_rank")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    DEVICE_HASH_FIELD_NUMBER: _ClassVar[int]
    SORT_RANK_FIELD_NUMBER: _ClassVar[int]
    id: str
    user: SimpleUserInfo
    content: str
    device_hash: str
    sort_rank: int
    def __init__(self, id: _Optional[str] = ..., user: _Optional[_Union[SimpleUserInfo, _Mapping]] = ..., content: _Optional[str] = ..., device_hash: _Optional[str] = ..., sort_rank: _Optional[int] = ...) -> None: ...

class LikeFeed(_message.Message):
    __slots__ = ("id", "user", "sort_rank", "device_hash")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    SORT_RANK_FIELD_NUMBER: _ClassVar[int]
    DEVICE_HASH_FIELD_NUMBER: _ClassVar[int]
    id: str
    user: SimpleUserInfo
    sort_rank: int
    device_hash: str
    def __init__(self, id: _Optional[str] = ..., user: _Optional[_Union[SimpleUserInfo, _Mapping]] = ..., sort_rank: _Optional[int] = ..., device_hash: _Optional[str] = ...) -> None: ...

class GiftFeed(_message.Message):
    __slots__ = ("id", "user", "time", "gift_id", "sort_rank", "merge_key", "batch_size", "combo_count", "rank", "expire_duration", "client_timestamp", "device_hash")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    GIFT_ID_FIELD_NUMBER: _ClassVar[int]
    SORT_RANK_FIELD_NUMBER: _ClassVar[int]
    MERGE_KEY_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    COMBO_COUNT_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_DURATION_FIELD_NUMBER: _ClassVar[int]
    CLIENT_TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    DEVICE_HASH_FIELD_NUMBER: _ClassVar[int]
    id: str
    user: SimpleUserInfo
    time: int
    gift_id: int
    sort_rank: int
    merge_key: str
    batch_size: int
    combo_count: int
    rank: int
    expire_duration: int
    client_timestamp: int
    device_hash: str
    def __init__(self, id: _Optional[str] = ..., user: _Optional[_Union[SimpleUserInfo, _Mapping]] = ..., time: _Optional[int] = ..., gift_id: _Optional[int] = ..., sort_rank: _Optional[int] = ..., merge_key: _Optional[str] = ..., batch_size: _Optional[int] = ..., combo_count: _Optional[int] = ..., rank: _Optional[int] = ..., expire_duration: _Optional[int] = ..., client_timestamp: _Optional[int] = ..., device_hash: _Optional[str] = ...) -> None: ...

class ShareFeed(_message.Message):
    __slots__ = ("id", "user", "time", "third_party_platform", "sort_rank", "device_hash")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    THIRD_PARTY_PLATFORM_FIELD_NUMBER: _ClassVar[int]
    SORT_RANK_FIELD_NUMBER: _ClassVar[int]
    DEVICE_HASH_FIELD_NUMBER: _ClassVar[int]
    id: str
    user: SimpleUserInfo
    time: int
    third_party_platform: int
    sort_rank: int
    device_hash: str
    def __init__(self, id: _Optional[str] = ..., user: _Optional[_Union[SimpleUserInfo, _Mapping]] = ..., time: _Optional[int] = ..., third_party_platform: _Optional[int] = ..., sort_rank: _Optional[int] = ..., device_hash: _Optional[str] = ...) -> None: ...

class FeedPush(_message.Message):
    __slots__ = ("display_watching_count", "display_like_count", "pending_like_count", "push_interval", "comment_feeds", "comment_cursor", "like_feeds", "gift_feeds", "gift_cursor", "share_feeds")
    DISPLAY_WATCHING_COUNT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_LIKE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PENDING_LIKE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PUSH_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FEEDS_FIELD_NUMBER: _ClassVar[int]
    COMMENT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    LIKE_FEEDS_FIELD_NUMBER: _ClassVar[int]
    GIFT_FEEDS_FIELD_NUMBER: _ClassVar[int]
    GIFT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    SHARE_FEEDS_FIELD_NUMBER: _ClassVar[int]
    display_watching_count: str
    display_like_count: str
    pending_like_count: int
    push_interval: int
    comment_feeds: _containers.RepeatedCompositeFieldContainer[CommentFeed]
    comment_cursor: str
    like_feeds: _containers.RepeatedCompositeFieldContainer[LikeFeed]
    gift_feeds: _containers.RepeatedCompositeFieldContainer[GiftFeed]
    gift_cursor: str
    share_feeds: _containers.RepeatedCompositeFieldContainer[ShareFeed]
    def __init__(self, display_watching_count: _Optional[str] = ..., display_like_count: _Optional[str] = ..., pending_like_count: _Optional[int] = ..., push_interval: _Optional[int] = ..., comment_feeds: _Optional[_Iterable[_Union[CommentFeed, _Mapping]]] = ..., comment_cursor: _Optional[str] = ..., like_feeds: _Optional[_Iterable[_Union[LikeFeed, _Mapping]]] = ..., gift_feeds: _Optional[_Iterable[_Union[GiftFeed, _Mapping]]] = ..., gift_cursor: _Optional[str] = ..., share_feeds: _Optional[_Iterable[_Union[ShareFeed, _Mapping]]] = ...) -> None: ...
